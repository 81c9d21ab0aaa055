"""Custom Rasa NLU components (imported by Rasa from config.yml)."""
