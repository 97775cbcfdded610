"""A step kind that exists only for ``test_components.py``: a folder with a ``component.py``,
added to ``INSTALLED_APPS`` by the test and nowhere else."""
