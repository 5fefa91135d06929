"""The optional LLM layer: rewrites the language of the offline engine's updates and answers.

The offline core does the whole job; this package only rephrases, validates what the model
returns against the offline result, and falls back to the offline result on any failure.
"""
