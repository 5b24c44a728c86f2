extensions = ["myst_parser", "bilingual.navtree"]
html_theme = "furo"
