"""rasa-sdk actions: answer procedure questions, follow-ups, choices, related procedures, language."""
