"""The WordNet test's independent reference: NLTK's reader (Debian's
python3-nltk) on the same WordNet 3.0 files.

usage: wordnet_reference.py DICT_DIR WORK_DIR SYNSET...
NLTK wants a 'lexnames' file that Debian's wordnet-base does not ship; the
script links the files into WORK_DIR and writes one there. Prints, for each
synset name, a line: name offset ancestor-offset... (the synset and its
hypernym and instance-hypernym closure, sorted).
"""
import os
import sys
import warnings

warnings.simplefilter("ignore")
from nltk.corpus.reader.wordnet import WordNetCorpusReader  # noqa: E402

src, work = sys.argv[1], sys.argv[2]
for f in os.listdir(src):
    os.symlink(os.path.join(src, f), os.path.join(work, f))
with open(os.path.join(work, "lexnames"), "w") as out:
    out.writelines(f"{i:02d}\tlex{i}\t0\n" for i in range(45))
wn = WordNetCorpusReader(work, None)
for name in sys.argv[3:]:
    s = wn.synset(name)
    closure = {s.offset()} | {h.offset() for h in s.closure(lambda x: x.hypernyms() + x.instance_hypernyms())}
    print(name, s.offset(), *sorted(closure))
