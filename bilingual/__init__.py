"""Local Sphinx extensions for the bilingual edition: one module per feature."""
