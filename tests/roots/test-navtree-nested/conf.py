extensions = ["myst_parser", "bilingual.speedups"]
html_theme = "furo"
