"""Fixed sentences the product says in the user's language (no model writes them)."""

from __future__ import annotations

# "The documents do not say", in the languages the product answers in; English for any other.
NOT_IN_DOCUMENTS = {
    "en": "The documents do not say.",
    "de": "Die Dokumente sagen dazu nichts.",
    "id": "Dokumen-dokumen tersebut tidak menyebutkannya.",
    "el": "Τα έγγραφα δεν το αναφέρουν.",
    "hi": "दस्तावेज़ों में इसका उल्लेख नहीं है।",
    "vi": "Các tài liệu không đề cập đến điều này.",
    "fr": "Les documents ne le disent pas.",
    "es": "Los documentos no lo dicen.",
}
