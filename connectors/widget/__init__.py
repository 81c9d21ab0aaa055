"""The embeddable web chat widget: static files (``static/``) and the channel that serves them (``channel.py``)."""
