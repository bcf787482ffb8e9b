"""The domain of PAE Desktop: models, vocabulary, rules and services; never imports Qt."""
