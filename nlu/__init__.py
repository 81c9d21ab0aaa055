"""NLU data and custom Rasa components; the components run inside the Rasa (Python 3.10) process."""
