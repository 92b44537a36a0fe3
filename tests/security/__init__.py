"""Security checks: throttling, XSS, CSRF, cookies, secrets in logs, uploads."""
