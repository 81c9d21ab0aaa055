"""Rasa NLU component: rewrite message text with :func:`nlu.normalization.normalize_for_nlu`.

Placed first in the pipeline, before the tokenizer, so that text with and without tone marks and chat shorthand
reach the featurizers and the classifier alike. The citizen's original text stays in the tracker's user event;
actions read it from there.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.normalization import normalize_for_nlu

ORIGINAL_TEXT = "original_text"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class VietnameseNormalizer(GraphComponent):
    """Folds tone marks and expands chat shorthand in :data:`TEXT` before tokenization."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseNormalizer:
        return cls()

    @staticmethod
    def _normalize(message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or not text:
            return
        normalized = normalize_for_nlu(text)
        if normalized != text:
            message.set(ORIGINAL_TEXT, text)
            message.set(TEXT, normalized)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._normalize(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._normalize(message)
        return messages
