"""The PDF documents, built with reportlab on one shared layout."""
