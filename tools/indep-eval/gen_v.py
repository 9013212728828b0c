#!/usr/bin/env python3
"""Supplementary probe corpus (harder but realistic variants). usage: gen_v.py SEED OUTDIR
Reuses the helpers of gen.py (exec of its text up to the main section)."""
import sys, os
src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'gen.py'), encoding='utf-8').read()
exec(src[:src.index('# ---------------------------------------------------------------- main')])

def vl(ent, val, fmt):
    return (ent, val, fmt)

def vn_ascii_name():
    return ascii_fold(vn_name())

def variant_lines(n):
    """free-text lines, one probe per line"""
    out = []
    for _ in range(n):
        k = R.randrange(30)
        if k == 0:
            p = R.choice(VN_PFX) + digits(7)
            v = R.choice(['+84-%s-%s-%s' % (p[:2], p[2:5], p[5:]), '0084 %s %s %s' % (p[:3], p[3:6], p[6:]), '+84 (0) %s %s %s' % (p[:3], p[3:6], p[6:]),
                          '(+84)%s' % p, '0%s %s' % (p[:3], p[3:]), 'tel:+84%s' % p])
            out.append((R.choice(['SĐT: %s', 'Liên hệ: %s', 'Phone %s']) % v, [vl('PHONE_NUMBER', v, 'v_vn_odd')], [], []))
        elif k == 1:
            a = R.choice(['30', '89', '40', '221', '69']); s = digits(7)
            v = R.choice(['0%s/%s' % (a, s), '0%s / %s' % (a, s), '(0%s) %s' % (a, s), '+49-%s-%s' % (a, s)])
            out.append((R.choice(['Tel.: %s', 'Telefon %s', 'phone: %s']) % v, [vl('PHONE_NUMBER', v, 'v_de_odd')], [], []))
        elif k == 2:
            n8 = R.choice('67') + R.choice('3456789') + digits(7)
            v = R.choice(['0%s.%s.%s.%s.%s' % (n8[0], n8[1:3], n8[3:5], n8[5:7], n8[7:]), '0%s-%s-%s-%s-%s' % (n8[0], n8[1:3], n8[3:5], n8[5:7], n8[7:])])
            out.append((R.choice(['Portable: %s', 'Tél. %s', 'mobile %s']) % v, [vl('PHONE_NUMBER', v, 'v_fr_sep')], [], []))
        elif k == 3:
            a, g, s = ssn_parts(); v = '%s %s %s' % (a, g, s)
            out.append((R.choice(['SSN: %s', 'Social Security Number %s']) % v, [vl('US_SSN', v, 'v_ssn_spaced')], [], []))
        elif k == 4:
            y, m, d = R.randrange(1950, 2005), R.randrange(1, 13), R.randrange(1, 29)
            f = R.randrange(6)
            v = ['%02d/%02d/%d' % (d, m, y), '%d/%d/%d' % (d, m, y), 'ngày %d tháng %d năm %d' % (d, m, y), '%d/%d/%02d' % (d, m, y % 100), '%02d/%02d/%d' % (m, d, y), '%d-%s-%d' % (d, MONTHS[m - 1][:3], y)][f]
            c = ['NS: %s', 'ngày sinh %s', 'sinh %s', 'Birthday: %s', 'DOB %s', 'D.O.B.: %s'][f]
            out.append((c % v, [vl('DATE_OF_BIRTH', v, 'v_dob_%d' % f)], [], []))
        elif k == 5:
            c = cccd(); v = R.choice(['%s %s %s' % (c[:3], c[3:6], c[6:]), '%s %s %s %s' % (c[:3], c[3:6], c[6:9], c[9:])])
            out.append((R.choice(['CCCD: %s', 'Số CCCD %s']) % v, [vl('VN_CCCD', v, 'v_cccd_spaced')], [], []))
        elif k == 6:
            c = cccd()
            out.append((R.choice(['Khách gửi số %s để làm hợp đồng', 'ID: %s', 'Số giấy tờ: %s']) % c, [vl('VN_CCCD', c, 'v_cccd_weakctx')], [], []))
        elif k == 7:
            nm = vn_ascii_name()
            out.append((R.choice(['Khach hang: %s', 'Ho ten: %s', 'Name: %s']) % nm, [vl('PERSON', nm, 'v_name_ascii')], [], []))
        elif k == 8:
            nm = vn_name().upper()
            out.append((R.choice(['Họ tên: %s', 'Chủ tài khoản: %s', 'Người nhận: %s']) % nm, [vl('PERSON', nm, 'v_name_upper')], [], []))
        elif k == 9:
            a = ascii_fold(vn_address())
            out.append((R.choice(['Dia chi: %s', 'Address: %s', 'DC giao hang: %s']) % a, [vl('STREET_ADDRESS', a, 'v_addr_ascii')], [], []))
        elif k == 10:
            i4, _ = ip()
            while ':' in i4: i4, _ = ip()
            out.append(('%s - - [12/Mar/2024:09:15:%02d +0700] "GET /account HTTP/1.1" 200 5123' % (i4, R.randrange(60)), [vl('IP_ADDRESS', i4, 'v_ip_accesslog')], [('v_log_ts', '12/Mar/2024', 'DATE_OF_BIRTH')], []))
        elif k == 11:
            i4, _ = ip()
            while ':' in i4: i4, _ = ip()
            v = '::ffff:' + i4
            out.append(('client=%s' % v, [vl('IP_ADDRESS', v, 'v_ip_mapped')], [], []))
        elif k == 12:
            v = ':'.join('%02X' % R.randrange(256) for _ in range(6))
            out.append((R.choice(['MAC: %s', 'địa chỉ MAC %s', 'hw addr %s']) % v, [], [('v_mac', v, 'IP_ADDRESS')], []))
        elif k == 13:
            v = R.choice(['std::vector<int>::iterator', 'Foo::Bar::baz()', 'a::b', 'fe80']) 
            out.append(('stack: %s at %02d:%02d:%02d' % (v, R.randrange(24), R.randrange(60), R.randrange(60)), [], [('v_cpp_scope_time', v, 'IP_ADDRESS')], []))
        elif k == 14:
            v = '978-604-%d-%05d-%d' % (R.randrange(1, 9), R.randrange(100000), R.randrange(10))
            out.append(('ISBN %s' % v, [], [('v_isbn', v, 'PHONE_NUMBER')], []))
        elif k == 15:
            v = 'FT24%03d%09d' % (R.randrange(1, 366), R.randrange(10 ** 9))
            out.append((R.choice(['Mã GD: %s', 'Ref %s']) % v, [], [('v_bank_ref', v, 'PHONE_NUMBER')], []))
        elif k == 16:
            v = ''.join(R.choice('0123456789abcdef') for _ in range(40))
            out.append(('commit %s' % v, [], [('v_hex_hash', v, 'PHONE_NUMBER')], []))
        elif k == 17:
            v = 'XXXX XXXX %s' % digits(4)
            out.append(('Aadhaar: %s' % v, [], [('v_aadhaar_masked', v, 'IN_AADHAAR')], []))
        elif k == 18:
            v = '**** **** **** %s' % digits(4)
            out.append(('Card: %s' % v, [], [('v_card_masked', v, 'CREDIT_CARD')], []))
        elif k == 19:
            v = '%d' % R.randrange(1950, 2005)
            out.append((R.choice(['sinh năm %s', 'năm sinh: %s', 'born in %s']) % v, [], [('v_birth_year_only', v, 'DATE_OF_BIRTH')], []))
        elif k == 20:
            v = '%d.%06d, %d.%06d' % (R.randrange(8, 22), R.randrange(10 ** 6), R.randrange(102, 109), R.randrange(10 ** 6))
            out.append(('GPS: %s' % v, [], [('v_gps', v, 'IP_ADDRESS/PHONE')], []))
        elif k == 21:
            v = '0%s' % digits(9)
            out.append(('Mã số thuế: %s' % v, [], [('v_tax_code', v, 'PHONE_NUMBER')], []))
        elif k == 22:
            v = '1900 %s' % digits(4)
            out.append(('Hotline CSKH: %s' % v, [], [('v_hotline_1900', v, 'PHONE_NUMBER')], []))
        elif k == 23:
            nm = en_name()
            out.append((R.choice(['Signed: %s', 'Account holder: %s', 'Contact person: %s']) % nm, [vl('PERSON', nm, 'v_name_en_ctx')], [], []))
        elif k == 24:
            nm = vn_name()
            out.append((R.choice(['Anh %s gọi lại lúc 3h.', 'Đã gặp chị %s tại quầy.', 'Chuyển khoản cho ông %s.']) % nm, [vl('PERSON', nm, 'v_name_vn_honorific')], [], []))
        elif k == 25:
            v, f = card(); v = v.replace(' ', '.') if ' ' in v else v
            out.append(('Số thẻ: %s' % v, [vl('CREDIT_CARD', v, 'v_card_' + f)], [], []))
        elif k == 26:
            v, f = iban(); v = v.lower() if R.random() < 0.5 else v.replace(' ', '-')
            out.append(('IBAN: %s' % v, [vl('IBAN_CODE', v, 'v_iban_lower_or_dash')], [], []))
        elif k == 27:
            v = email_for(); w = v.replace('@', R.choice([' [at] ', '(at)', ' at '])).replace('.', R.choice([' [dot] ', '.']), 1)
            out.append(('mail me: %s' % w, [vl('EMAIL_ADDRESS', w, 'v_email_obfuscated')], [], []))
        elif k == 28:
            v = email_for().upper()
            out.append(('EMAIL: %s' % v, [vl('EMAIL_ADDRESS', v, 'v_email_upper')], [], []))
        else:
            v, f = phone('in'); w = v
            out.append(('WhatsApp me on %s or %s' % (w, phone('in')[0]), [vl('PHONE_NUMBER', w, 'v_two_phones'), vl('PHONE_NUMBER', '', 'v_two_phones')], [], []))
    return out

def chat_12h(idx):
    lines = []
    for _ in range(80):
        mo, d, h, mi = R.randrange(1, 13), R.randrange(1, 29), R.randrange(1, 13), R.randrange(60)
        ts = R.choice(['%d/%d/24, %d:%02d %s - ' % (mo, d, h, mi, R.choice(['AM', 'PM'])), '%02d/%02d/2024, %d:%02d\u202f%s - ' % (d, mo, h, mi, R.choice(['am', 'pm']))])
        t, lb = frag(R.choice(['PHONE_NUMBER', 'EMAIL_ADDRESS', 'VN_CCCD', 'CREDIT_CARD', 'DATE_OF_BIRTH']), 'vn', True)
        lines.append((ts + R.choice(['Lan', 'Minh']) + ': ' + t, [(a, b, 'chat12h_' + c) for a, b, c in lb], [], ['PERSON']))
    emit('chats/WhatsApp Chat with Lan 12h %02d.txt' % idx, lines)

def csv_encoded(idx, enc):
    hdr = ['Họ tên', 'SĐT', 'Email', 'Ngày sinh', 'CCCD', 'Địa chỉ']
    delim = '\t' if enc == 'utf-16' else ','
    lines = [(delim.join(hdr), [], [], [])]
    for _ in range(60):
        nm = vn_name(); p, pf = phone('vn'); e = email_for(nm); b, bf = dob('dmy_slash'); c = cccd(); a = vn_address()
        row = [nm, p, e, b, c, a]
        lines.append((delim.join(csv_field(x, delim, False) for x in row),
                      [('PERSON', nm, enc), ('PHONE_NUMBER', p, enc), ('EMAIL_ADDRESS', e, enc), ('DATE_OF_BIRTH', b, enc), ('VN_CCCD', c, enc), ('STREET_ADDRESS', a, enc)], [], []))
    path = 'exports/khachhang_%s_%02d.%s' % (enc.replace('-', ''), idx, 'txt' if enc == 'utf-16' else 'csv')
    if enc == 'cp1258':
        lines = [(unicodedata.normalize('NFD', t), lb, nm_, ig) for t, lb, nm_, ig in lines]
        # cp1258 has precomposed base letters (ă, â, ê, ô, ơ, ư, đ) + 5 combining tones: recompose the bases only
        fixed = []
        for t, lb, nm_, ig in lines:
            s = unicodedata.normalize('NFC', t)
            out_chars = []
            for ch in s:
                try:
                    ch.encode('cp1258'); out_chars.append(ch)
                except UnicodeEncodeError:
                    dec = unicodedata.normalize('NFD', ch)
                    base, marks = dec[0], dec[1:]
                    shape = ''.join(m for m in marks if m in '\u0302\u0306\u031b')
                    tones = ''.join(m for m in marks if m not in '\u0302\u0306\u031b')
                    out_chars.append(unicodedata.normalize('NFC', base + shape) + tones)
            fixed.append((''.join(out_chars), lb, nm_, ig))
        lines = fixed
    emit(path, lines, nl='\r\n', bom=(enc == 'utf-16'), encoding='utf-16-le' if enc == 'utf-16' else enc)

def csv_multiline(idx):
    lines = [('Họ tên;Địa chỉ;SĐT;Email', [], [], [])]
    for _ in range(50):
        nm = vn_name(); st = '%d %s' % (R.randrange(1, 300), R.choice(VN_STREETS)); d, c = R.choice(VN_CITIES)
        a = '%s\n%s, %s' % (st, d, c); p, pf = phone('vn'); e = email_for(nm)
        lines.append(('%s;"%s";%s;%s' % (nm, a, p, e), [('PERSON', nm, 'ml'), ('STREET_ADDRESS', a, 'ml_addr_2lines'), ('PHONE_NUMBER', p, 'ml_after'), ('EMAIL_ADDRESS', e, 'ml_after')], [], []))
    emit('exports/multiline_addr_%02d.csv' % idx, lines)

def csv_upper_ascii(idx):
    lines = [('HO TEN,SO DIEN THOAI,NGAY SINH,DIA CHI,SO CCCD', [], [], [])]
    for _ in range(60):
        nm = ascii_fold(vn_name()).upper(); p, pf = phone('vn'); b, bf = dob('dmy_slash'); a = ascii_fold(vn_address()).upper(); c = cccd()
        lines.append(('%s,%s,%s,"%s",%s' % (nm, p, b, a, c), [('PERSON', nm, 'ascii_hdr'), ('PHONE_NUMBER', p, 'ascii_hdr'), ('DATE_OF_BIRTH', b, 'ascii_hdr'), ('STREET_ADDRESS', a, 'ascii_hdr'), ('VN_CCCD', c, 'ascii_hdr')], [], []))
    emit('exports/bank_export_ascii_%02d.csv' % idx, lines)

if os.path.isdir(DOCS):
    shutil.rmtree(DOCS)
os.makedirs(DOCS)
for i in range(12):
    emit('notes/probe_%02d.txt' % i, variant_lines(120))
for i in range(3): chat_12h(i)
for i in range(2): csv_encoded(i, 'utf-16'); csv_encoded(i, 'cp1258')
for i in range(2): csv_multiline(i); csv_upper_ascii(i)
# drop placeholder labels ('' value: second phone of v_two_phones keeps multiplicity but value unknown) -> fill value from text not needed for scoring
with open(os.path.join(OUT, 'labels.json'), 'w', encoding='utf-8') as fh: json.dump(LABELS, fh, ensure_ascii=False, indent=0)
with open(os.path.join(OUT, 'near_misses.json'), 'w', encoding='utf-8') as fh: json.dump(NEAR, fh, ensure_ascii=False, indent=0)
with open(os.path.join(OUT, 'ignore.json'), 'w', encoding='utf-8') as fh: json.dump(IGNORE, fh, ensure_ascii=False, indent=0)
print('labels=%d near=%d' % (len(LABELS), len(NEAR)))
