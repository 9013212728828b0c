#!/usr/bin/env python3
"""score custodia scan JSON against labels.json / near_misses.json / ignore.json
usage: score.py [OUTDIR] [out.json]   (key = (path, line, entity), multiplicity-aware)"""
import sys, os, json, re, collections

D = sys.argv[1] if len(sys.argv) > 1 else '/tmp/indep'
OUTF = sys.argv[2] if len(sys.argv) > 2 else os.path.join(D, 'out.json')
DOCS = os.path.realpath(os.path.join(D, 'docs'))
labels = json.load(open(os.path.join(D, 'labels.json')))
near = json.load(open(os.path.join(D, 'near_misses.json')))
ignore = json.load(open(os.path.join(D, 'ignore.json')))
out = json.load(open(OUTF))
findings = out['findings']

def norm(p):
    if os.path.isabs(p):
        p = os.path.relpath(os.path.realpath(p), DOCS)
    p = p.replace('\\', '/')
    if p.startswith('./'): p = p[2:]
    if p.startswith('docs/'): p = p[5:]
    return p

for f in findings:
    f['npath'] = norm(f['path'])

exp = collections.defaultdict(list)
for l in labels:
    exp[(l['path'], l['line'], l['entity'])].append(l)
fnd = collections.defaultdict(list)
ign = set((i['path'], i['line'], i['entity']) for i in ignore)
n_ign_sender = 0
for f in findings:
    k = (f['npath'], f['line'], f['entity'])
    if k in ign and f.get('column') == 'sender':
        n_ign_sender += 1   # chat sender display name (not labelled): neither TP nor FP
        continue
    fnd[k].append(f)
near_by_line = collections.defaultdict(list)
for n in near:
    near_by_line[(n['path'], n['line'])].append(n)
ign = set((i['path'], i['line'], i['entity']) for i in ignore)

ENTS = sorted(set(l['entity'] for l in labels) | set(f['entity'] for f in findings))
stat = {e: collections.Counter() for e in ENTS}
for k, v in exp.items():
    stat[k[2]]['exp'] += len(v)
for k, v in fnd.items():
    if k in ign and k not in exp:
        stat[k[2]]['ignored'] += len(v)
        continue
    stat[k[2]]['found'] += len(v)
for k in set(exp) | set(fnd):
    if k in ign and k not in exp: continue
    stat[k[2]]['tp'] += min(len(exp.get(k, [])), len(fnd.get(k, [])))

def prf(s):
    p = s['tp'] / s['found'] if s['found'] else 0.0
    r = s['tp'] / s['exp'] if s['exp'] else 0.0
    f2 = 5 * p * r / (4 * p + r) if (p + r) else 0.0
    return p, r, f2

print('%-16s %7s %7s %7s %6s %6s %6s %8s' % ('entity', 'expected', 'found', 'TP', 'prec', 'recall', 'F2', 'ignored'))
tot = collections.Counter()
for e in ENTS:
    s = stat[e]; tot.update(s)
    p, r, f2 = prf(s)
    print('%-16s %7d %7d %7d %6.3f %6.3f %6.3f %8d' % (e, s['exp'], s['found'], s['tp'], p, r, f2, s['ignored']))
p, r, f2 = prf(tot)
print('%-16s %7d %7d %7d %6.3f %6.3f %6.3f %8d' % ('ALL(micro)', tot['exp'], tot['found'], tot['tp'], p, r, f2, tot['ignored']))
print('(ignored: %d PERSON findings with column=sender on WhatsApp lines whose sender is a display name; excluded from found/precision)' % n_ign_sender)

# ---- recall per entity/format/doc-type, assigning findings to labels by masked-preview suffix
def tail(s, n=3):
    a = re.sub(r'[^0-9A-Za-z]', '', s)
    return a[-n:].lower()

def doctype(p):
    return p.split('/')[0]

missed = []
fmt_stat = collections.defaultdict(collections.Counter)
for k, labs in exp.items():
    fs = list(fnd.get(k, []))
    unmatched = []
    for l in labs:
        hit = None
        for f in fs:
            pv = f.get('preview', '')
            if tail(pv) and tail(pv) == tail(l['value']):
                hit = f; break
        if hit is not None:
            fs.remove(hit)
        else:
            unmatched.append(l)
    # remaining findings (preview not suffix-matched) absorb remaining labels
    while unmatched and fs:
        unmatched.pop(0); fs.pop(0)
    for l in labs:
        fmt_stat[(l['entity'], l.get('fmt', ''), doctype(l['path']))]['exp'] += 1
    for l in unmatched:
        fmt_stat[(l['entity'], l.get('fmt', ''), doctype(l['path']))]['miss'] += 1
        missed.append(l)

print('\n== recall by entity / value format / document type (only groups with misses) ==')
for key in sorted(fmt_stat):
    s = fmt_stat[key]
    if s['miss']:
        print('%-15s %-18s %-8s missed %5d of %5d (%.0f%%)' % (key[0], key[1], key[2], s['miss'], s['exp'], 100.0 * s['miss'] / s['exp']))

# ---- false positives
fp = []
for k, fs in fnd.items():
    if k in ign and k not in exp: continue
    extra = len(fs) - len(exp.get(k, []))
    if extra > 0:
        fp.extend(fs[-extra:] if len(exp.get(k, [])) else fs)

# near-miss attribution
nm_cnt = collections.Counter(); nm_total = collections.Counter(n['kind'] for n in near)
nm_lines_hit = collections.defaultdict(set)
other_fp = collections.Counter()
off_by = collections.Counter()
lab_lines = collections.defaultdict(set)
for l in labels:
    lab_lines[(l['path'], l['entity'])].add(l['line'])
for f in fp:
    nms = near_by_line.get((f['npath'], f['line']))
    if nms:
        kinds = '/'.join(sorted(set(n['kind'] for n in nms)))
        nm_cnt[(kinds, f['entity'])] += 1
        nm_lines_hit[kinds].add((f['npath'], f['line']))
    else:
        # is there a same-entity label a few lines away (possible line-number error)?
        near_lab = [d for d in (-3, -2, -1, 1, 2, 3) if f['line'] + d in lab_lines[(f['npath'], f['entity'])]]
        other_fp[(doctype(f['npath']), f['entity'], f.get('column') or '')] += 1
        if near_lab:
            off_by[(doctype(f['npath']), f['entity'], min(near_lab, key=abs))] += 1

print('\n== false positives on near-miss lines: (near-miss kind(s) on the line, reported entity) -> count ==')
for (kinds, ent), c in sorted(nm_cnt.items(), key=lambda x: -x[1]):
    print('%-40s %-15s %5d' % (kinds, ent, c))
print('\n== near-miss kinds: lines with >=1 excess finding / near-miss instances ==')
for kind, tot_k in sorted(nm_total.items()):
    hit = sum(len(v) for k, v in nm_lines_hit.items() if kind in k.split('/'))
    print('%-22s %5d / %5d' % (kind, hit, tot_k))
print('\n== other false positives (no near miss on the line): (doctype, entity, column) -> count ==')
for k, c in sorted(other_fp.items(), key=lambda x: -x[1]):
    print('%-50s %5d' % (' | '.join(k), c))
print('\n== of those, a same-entity label exists within +-3 lines (doctype, entity, offset label-finding) ==')
for k, c in sorted(off_by.items(), key=lambda x: -x[1])[:30]:
    print('%-50s %5d' % (' | '.join(map(str, k)), c))
print('\nerrors:', out.get('errors'))
json.dump({'missed': missed, 'fp': [{k: v for k, v in f.items()} for f in fp]}, open(os.path.join(D, 'diag.json'), 'w'), ensure_ascii=False)
