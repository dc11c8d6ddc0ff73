"""Second factors: TOTP codes from an authenticator app, with one-time recovery codes."""
