"""capstan's stand-in for torchaudio's test package (see common_utils.py); torchaudio's test files run inside it."""
