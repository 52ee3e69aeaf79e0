"""Two evaluators of the same rule semantics: durable-rules (the engine) and a small reference one.

Both answer one question: which rules of a compiled set fire for one flat fact
dict, given the precomputed derived leaves. Conclusions are built elsewhere, once.
"""
