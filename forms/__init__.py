"""Official application forms: templates, answer validation and output (PDF like the paper form, JSON for the portal).

Self-contained: imports nothing from the bot (rasa, actions, connectors, knowledge_base).
"""

from forms.render import render_json, render_pdf
from forms.templates import FORM_TEMPLATES, FormField, FormTable, FormTemplate, get_template, missing_fields

__all__ = [
    "FORM_TEMPLATES",
    "FormField",
    "FormTable",
    "FormTemplate",
    "get_template",
    "missing_fields",
    "render_json",
    "render_pdf",
]
