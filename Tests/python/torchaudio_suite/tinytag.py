"""A stand-in for the `tinytag` package (not packaged by Debian), enough for torchaudio's test_metadata_overwrite:
TinyTag.get(path) with the container's artist and title, read by ffprobe. None when a tag is absent, as tinytag."""

import json
import subprocess


class TinyTag:
    def __init__(self, tags: dict):
        lowered = {k.lower(): v for k, v in tags.items()}
        self.artist = lowered.get("artist")
        self.title = lowered.get("title")
        self.album = lowered.get("album")

    @classmethod
    def get(cls, path):
        out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "json", str(path)],
                             check=True, stdout=subprocess.PIPE).stdout
        return cls(json.loads(out).get("format", {}).get("tags", {}))
