"""Printed official documents (Mẫu 01-06 of Thông tư 01/2018/TT-VPCP) as PDF and spreadsheet.

Each form is a template in templates/*.json rendered by render.py; the data comes from
engine.dossiers.documents, which applies the scope rule.
"""
