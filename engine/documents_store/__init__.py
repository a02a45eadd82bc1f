"""The citizen's e-document store (kho giấy tờ điện tử): own uploads and results returned."""
