"""Sign-in with the national identity provider (VNeID / Cổng DVC quốc gia) by OpenID Connect."""
