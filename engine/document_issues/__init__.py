"""Result documents numbered and signed by the agency's document-management system (QLVB)."""
