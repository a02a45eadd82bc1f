"""Procedure packages: loading an upload and validating it before anything is stored."""
