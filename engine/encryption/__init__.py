"""Connector secrets encrypted at rest (Fernet), with keys from MOTCUA_SETTINGS_KEY."""
