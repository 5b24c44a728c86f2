# Appended to the project's conf.py by tests/test_three_languages.py: a third language is
# this setting and its catalogs, nothing else.
edition_languages = ["ko", "en", "fr"]
project = "작은 칼럼"
author = "홍길동"
copyright = "2018, 출판사"  # noqa: A001
epub_publisher = epub_contributor = "출판사"
