"""sktoynet's test suite (a package, so that plain ``pytest`` can import its helpers)."""
