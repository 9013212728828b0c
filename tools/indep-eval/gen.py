#!/usr/bin/env python3
"""Independent labelled corpus for custodia scan.
usage: gen.py SEED [OUTDIR]   -> OUTDIR/docs/..., OUTDIR/labels.json, OUTDIR/near_misses.json, OUTDIR/ignore.json
stdlib only; deterministic for a given seed."""
import sys, os, json, random, base64, shutil, unicodedata

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
OUT = sys.argv[2] if len(sys.argv) > 2 else '/tmp/indep'
DOCS = os.path.join(OUT, 'docs')
R = random.Random(seed)

# ---------------------------------------------------------------- checksums
VD = [[0,1,2,3,4,5,6,7,8,9],[1,2,3,4,0,6,7,8,9,5],[2,3,4,0,1,7,8,9,5,6],[3,4,0,1,2,8,9,5,6,7],
      [4,0,1,2,3,9,5,6,7,8],[5,9,8,7,6,0,4,3,2,1],[6,5,9,8,7,1,0,4,3,2],[7,6,5,9,8,2,1,0,4,3],
      [8,7,6,5,9,3,2,1,0,4],[9,8,7,6,5,4,3,2,1,0]]
VP = [[0,1,2,3,4,5,6,7,8,9],[1,5,7,6,2,8,3,0,9,4],[5,8,0,3,7,9,6,1,4,2],[8,9,1,6,0,4,3,5,2,7],
      [9,4,5,3,1,2,6,8,7,0],[4,2,8,6,5,7,3,9,0,1],[2,7,9,3,8,0,6,4,1,5],[7,0,4,6,9,1,3,2,5,8]]
VINV = [0,4,3,2,1,5,6,7,8,9]

def verhoeff_ok(num):
    c = 0
    for i, ch in enumerate(reversed(num)):
        c = VD[c][VP[i % 8][int(ch)]]
    return c == 0

def verhoeff_digit(num):
    c = 0
    for i, ch in enumerate(reversed(num)):
        c = VD[c][VP[(i + 1) % 8][int(ch)]]
    return str(VINV[c])

def luhn_ok(s):
    t = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9: d -= 9
        t += d
    return t % 10 == 0

def luhn_complete(prefix, length):
    body = prefix + ''.join(R.choice('0123456789') for _ in range(length - 1 - len(prefix)))
    for c in '0123456789':
        if luhn_ok(body + c):
            return body + c

def digits(n):
    return ''.join(R.choice('0123456789') for _ in range(n))

def iban_num(s):
    return int(''.join(str(int(c, 36)) for c in s))

def iban_make(cc, bban):
    cd = 98 - iban_num(bban + cc + '00') % 97
    return '%s%02d%s' % (cc, cd, bban)

def iban_ok(iban):
    return iban_num(iban[4:] + iban[:4]) % 97 == 1

# ---------------------------------------------------------------- names, addresses
VN_SUR = ['Nguyễn','Trần','Lê','Phạm','Hoàng','Huỳnh','Phan','Vũ','Võ','Đặng','Bùi','Đỗ','Hồ','Ngô','Dương','Lý']
VN_MID_M = ['Văn','Hữu','Đức','Minh','Quang','Thanh','Công','Gia']
VN_MID_F = ['Thị','Ngọc','Thu','Kim','Thanh','Mỹ','Bích']
VN_GIV_M = ['An','Bình','Cường','Dũng','Hải','Hùng','Khánh','Long','Minh','Nam','Phong','Quân','Sơn','Tuấn','Việt','Thắng','Đạt','Huy']
VN_GIV_F = ['Hà','Hạnh','Hoa','Hương','Lan','Linh','Mai','Nga','Ngọc','Phương','Tâm','Thảo','Trang','Yến','Vy','Nhung','Giang']
EN_FIRST = ['James','Mary','Robert','Patricia','John','Jennifer','Michael','Linda','David','Elizabeth','William','Susan','Emma','Oliver','Sophie','Thomas','Charlotte','Daniel','Laura','Lukas','Hannah','Julien','Camille','Pierre','Mariana','Lucas','Wei Ling','Kevin']
EN_LAST = ['Smith','Johnson','Williams','Brown','Jones','Miller','Davis','Wilson','Taylor','Anderson','Thompson','Clarke','Hughes','Müller','Schmidt','Fischer','Dubois','Lefebvre','Moreau','Silva','Santos','Oliveira','Tan','Lim','Wright']
IN_FIRST = ['Rahul','Priya','Amit','Sneha','Vikram','Anjali','Arjun','Pooja','Sanjay','Kavita','Rohan','Neha','Aditya','Divya']
IN_LAST = ['Sharma','Patel','Singh','Kumar','Gupta','Reddy','Iyer','Nair','Mehta','Joshi','Rao','Verma']

def vn_name():
    f = R.random() < 0.5
    return '%s %s %s' % (R.choice(VN_SUR), R.choice(VN_MID_F if f else VN_MID_M), R.choice(VN_GIV_F if f else VN_GIV_M))

def en_name():
    return '%s %s' % (R.choice(EN_FIRST), R.choice(EN_LAST))

def in_name():
    return '%s %s' % (R.choice(IN_FIRST), R.choice(IN_LAST))

def person(region):
    return {'vn': vn_name, 'in': in_name}.get(region, en_name)()

def ascii_fold(s):
    s = s.replace('Đ', 'D').replace('đ', 'd')
    return ''.join(c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn')

DOMAINS = ['gmail.com','yahoo.com.vn','outlook.com','hotmail.com','fpt.com.vn','vnpt.vn','company.vn','abc-trading.com.vn','example.co.uk','web.de','orange.fr','uol.com.br','mail.sg','rediffmail.com','icloud.com','thegioisach.vn']

def email_for(name=None):
    if name is None:
        name = person(R.choice(['vn','en','in']))
    parts = ascii_fold(name).lower().replace('ü', 'u').split()
    st = R.randrange(6)
    if st == 0: local = '.'.join(parts)
    elif st == 1: local = parts[-1] + '.' + parts[0]
    elif st == 2: local = parts[0][0] + parts[-1] + str(R.randrange(1, 99))
    elif st == 3: local = '_'.join(parts) + str(R.randrange(1970, 2005))
    elif st == 4: local = parts[-1] + parts[0] + '+shop'
    else: local = ''.join(parts)
    return local + '@' + R.choice(DOMAINS)

VN_STREETS = ['Lê Lợi','Nguyễn Huệ','Trần Hưng Đạo','Hai Bà Trưng','Lý Thường Kiệt','Điện Biên Phủ','Cách Mạng Tháng Tám','Võ Văn Tần','Pasteur','Nguyễn Thị Minh Khai','Trường Chinh','Láng Hạ','Kim Mã','Nguyễn Trãi','Phan Đình Phùng','Bạch Đằng','Hùng Vương']
VN_CITIES = [('Quận 1','TP. Hồ Chí Minh'),('Quận 3','TP. Hồ Chí Minh'),('Quận Bình Thạnh','TP.HCM'),('Quận Tân Bình','TP. Hồ Chí Minh'),('Quận Đống Đa','Hà Nội'),('Quận Ba Đình','Hà Nội'),('Quận Cầu Giấy','Hà Nội'),('Quận Hải Châu','Đà Nẵng'),('Quận Ninh Kiều','Cần Thơ'),('TP. Thủ Đức','TP. Hồ Chí Minh')]
VN_WARDS = ['Phường Bến Nghé','Phường 7','Phường Láng Hạ','Phường 12','Phường Thạch Thang','Phường Dịch Vọng']

def vn_address():
    d, c = R.choice(VN_CITIES)
    st = R.randrange(4)
    if st == 0: return '%d %s, %s, %s' % (R.randrange(1, 400), R.choice(VN_STREETS), d, c)
    if st == 1: return 'Số %d ngõ %d %s, %s, %s' % (R.randrange(1, 80), R.randrange(2, 300), R.choice(VN_STREETS), d, c)
    if st == 2: return '%d/%d %s, %s, %s, %s' % (R.randrange(1, 300), R.randrange(1, 40), R.choice(VN_STREETS), R.choice(VN_WARDS), d, c)
    return 'Tầng %d, %d %s, %s, %s' % (R.randrange(2, 20), R.randrange(1, 200), R.choice(VN_STREETS), d, c)

def intl_address(region):
    if region == 'gb':
        return R.choice(['221B Baker Street, London NW1 6XE', '%d Oxford Street, London W1D %dAB' % (R.randrange(1, 400), R.randrange(1, 9)),
                         '%d High Street, Manchester M4 %dEP' % (R.randrange(1, 200), R.randrange(1, 9)), 'Flat %d, %d King\'s Road, London SW3 %dRP' % (R.randrange(1, 30), R.randrange(1, 500), R.randrange(1, 9))])
    if region == 'us':
        return R.choice(['%d Market Street, San Francisco, CA 941%02d' % (R.randrange(100, 3000), R.randrange(1, 30)), '%d Fifth Avenue, New York, NY 100%02d' % (R.randrange(1, 900), R.randrange(1, 40)),
                         '%d Main St, Apt %d, Austin, TX 787%02d' % (R.randrange(10, 9000), R.randrange(1, 40), R.randrange(1, 50)), '1600 Pennsylvania Avenue NW, Washington, DC 20500'])
    if region == 'de':
        return R.choice(['Friedrichstraße %d, 10117 Berlin' % R.randrange(1, 200), 'Leopoldstraße %d, 80802 München' % R.randrange(1, 200), 'Hauptstraße %d, 69117 Heidelberg' % R.randrange(1, 150)])
    if region == 'fr':
        return R.choice(['%d rue de Rivoli, 75004 Paris' % R.randrange(1, 200), '%d avenue des Champs-Élysées, 75008 Paris' % R.randrange(1, 150), '%d rue de la République, 69002 Lyon' % R.randrange(1, 100)])
    if region == 'in':
        return R.choice(['Flat %d%s, %d MG Road, Bengaluru 560001' % (R.randrange(1, 30), R.choice('ABC'), R.randrange(1, 300)), '%d, Linking Road, Bandra West, Mumbai 400050' % R.randrange(1, 200), 'H.No %d, Sector %d, Noida 2013%02d' % (R.randrange(1, 999), R.randrange(1, 60), R.randrange(1, 20))])
    if region == 'br':
        return 'Rua Augusta, %d, São Paulo - SP, 01305-%03d' % (R.randrange(1, 2000), R.randrange(0, 999))
    if region == 'sg':
        return '%d Orchard Road, #%02d-%02d, Singapore 2388%02d' % (R.randrange(1, 500), R.randrange(1, 30), R.randrange(1, 99), R.randrange(1, 99))
    return vn_address()

def address(region):
    return vn_address() if region == 'vn' else intl_address(region)

# ---------------------------------------------------------------- entity values (value, fmt)
VN_PFX = ['32','33','34','35','36','37','38','39','56','58','59','70','76','77','78','79','81','82','83','84','85','86','88','89','90','91','93','94','96','97','98','99']

def phone(region=None):
    region = region or R.choice(['vn','vn','vn','in','us','gb','de','fr','br','sg'])
    if region == 'vn':
        if R.random() < 0.08:
            ac, sub = R.choice([('28', digits(8)), ('24', digits(8))])
            return R.choice([('0%s %s %s' % (ac, sub[:4], sub[4:]), 'vn_land_0'), ('+84 %s %s %s' % (ac, sub[:4], sub[4:]), 'vn_land_intl'), ('(0%s) %s %s' % (ac, sub[:4], sub[4:]), 'vn_land_paren')])
        p = R.choice(VN_PFX); s = digits(7); n = p + s
        f = R.choice(['plain','3_3_4','4_3_3','dots','intl_sp','intl_compact','84','paren','dash'])
        v = {'plain': '0' + n, '3_3_4': '0%s %s %s' % (n[:2], n[2:5], n[5:]), '4_3_3': '0%s %s %s' % (n[:3], n[3:6], n[6:]),
             'dots': '0%s.%s.%s' % (n[:3], n[3:6], n[6:]), 'intl_sp': '+84 %s %s %s' % (n[:2], n[2:5], n[5:]), 'intl_compact': '+84' + n,
             '84': '84' + n, 'paren': '(+84) %s %s %s' % (n[:3], n[3:6], n[6:]), 'dash': '0%s-%s-%s' % (n[:3], n[3:6], n[6:])}[f]
        return v, 'vn_' + f
    if region == 'in':
        n = R.choice(['98','97','96','90','88','70','81','63']) + digits(8)
        f = R.choice(['intl_5_5','intl_dash','intl_compact','0_prefix','5_5'])
        v = {'intl_5_5': '+91 %s %s' % (n[:5], n[5:]), 'intl_dash': '+91-' + n, 'intl_compact': '+91' + n, '0_prefix': '0' + n, '5_5': '%s %s' % (n[:5], n[5:])}[f]
        return v, 'in_' + f
    if region == 'us':
        ac = R.choice(['415','212','646','312','617','206','303','512','713','305','202','404'])
        if R.random() < 0.5: ex, ln = '555', '01%02d' % R.randrange(100)
        else:
            ex = R.choice('23456789') + digits(2)
            while ex[1:] == '11': ex = R.choice('23456789') + digits(2)
            ln = digits(4)
        f = R.choice(['paren','dash','intl_dash','intl_paren','dots','e164'])
        v = {'paren': '(%s) %s-%s' % (ac, ex, ln), 'dash': '%s-%s-%s' % (ac, ex, ln), 'intl_dash': '+1 %s-%s-%s' % (ac, ex, ln),
             'intl_paren': '+1 (%s) %s-%s' % (ac, ex, ln), 'dots': '%s.%s.%s' % (ac, ex, ln), 'e164': '+1%s%s%s' % (ac, ex, ln)}[f]
        return v, 'us_' + f
    if region == 'gb':
        if R.random() < 0.5:
            a, b = R.choice([('20', '7946 %04d' % R.randrange(10000)), ('20', '3%03d %04d' % (R.randrange(1000), R.randrange(10000))), ('161', '496 %04d' % R.randrange(10000))])
            f = R.choice(['land_nat','land_intl','land_intl0'])
            v = {'land_nat': '0%s %s' % (a, b), 'land_intl': '+44 %s %s' % (a, b), 'land_intl0': '+44 (0)%s %s' % (a, b)}[f]
        else:
            m = '7' + R.choice('456789') + digits(2); s = digits(6)
            f = R.choice(['mob_nat','mob_intl','mob_e164'])
            v = {'mob_nat': '0%s %s' % (m, s), 'mob_intl': '+44 %s %s' % (m, s), 'mob_e164': '+44%s%s' % (m, s)}[f]
        return v, 'gb_' + f
    if region == 'de':
        if R.random() < 0.5:
            a, s = R.choice([('30', digits(8)), ('89', digits(7)), ('40', digits(7))])
            f = R.choice(['land_nat','land_intl','land_intl0','land_slash'])
            v = {'land_nat': '0%s %s' % (a, s), 'land_intl': '+49 %s %s' % (a, s), 'land_intl0': '+49 (0)%s %s' % (a, s), 'land_slash': '0%s/%s' % (a, s)}[f]
        else:
            a = R.choice(['151','160','170','171','176','152']); s = digits(8 if a in ('151','152','176') else 7)
            f = R.choice(['mob_nat','mob_intl','mob_dash'])
            v = {'mob_nat': '0%s %s' % (a, s), 'mob_intl': '+49 %s %s' % (a, s), 'mob_dash': '0%s-%s' % (a, s)}[f]
        return v, 'de_' + f
    if region == 'fr':
        n = R.choice('1234567') + digits(8)
        pairs = ' '.join(n[i:i + 2] for i in range(1, 9, 2))
        f = R.choice(['nat_sp','intl_sp','intl0','nat_plain','nat_dots','e164'])
        v = {'nat_sp': '0%s %s' % (n[0], pairs), 'intl_sp': '+33 %s %s' % (n[0], pairs), 'intl0': '+33 (0)%s %s' % (n[0], pairs),
             'nat_plain': '0' + n, 'nat_dots': '0%s.%s' % (n[0], pairs.replace(' ', '.')), 'e164': '+33' + n}[f]
        return v, 'fr_' + f
    if region == 'br':
        ac = R.choice(['11','21','31','41','51','61','71','81','85'])
        if R.random() < 0.6: a, b = '9' + digits(4), digits(4)
        else: a, b = R.choice('2345') + digits(3), digits(4)
        f = R.choice(['intl','nat_paren','intl_paren','e164'])
        v = {'intl': '+55 %s %s-%s' % (ac, a, b), 'nat_paren': '(%s) %s-%s' % (ac, a, b), 'intl_paren': '+55 (%s) %s-%s' % (ac, a, b), 'e164': '+55%s%s%s' % (ac, a, b)}[f]
        return v, 'br_' + f
    if region == 'sg':
        n = R.choice('689') + digits(7)
        f = R.choice(['intl','nat','e164','nat_dash'])
        v = {'intl': '+65 %s %s' % (n[:4], n[4:]), 'nat': '%s %s' % (n[:4], n[4:]), 'e164': '+65' + n, 'nat_dash': '%s-%s' % (n[:4], n[4:])}[f]
        return v, 'sg_' + f

def card():
    k = R.choice(['visa','visa','mc','mc2','amex'])
    if k == 'visa': n = luhn_complete('4', 16)
    elif k == 'mc': n = luhn_complete(str(R.randrange(51, 56)), 16)
    elif k == 'mc2': n = luhn_complete(str(R.randrange(2221, 2721)), 16)
    else: n = luhn_complete(R.choice(['34', '37']), 15)
    sep = R.choice([' ', '-', ''])
    if k == 'amex': v = sep.join([n[:4], n[4:10], n[10:]])
    else: v = sep.join(n[i:i + 4] for i in range(0, 16, 4))
    return v, '%s_%s' % (k, {' ': 'sp', '-': 'dash', '': 'none'}[sep])

def bban(cc):
    if cc == 'DE': return digits(18)
    if cc == 'GB': return R.choice(['NWBK','BARC','HBUK','LOYD','MIDL']) + digits(14)
    if cc == 'FR': return digits(23)
    if cc == 'NL': return R.choice(['ABNA','INGB','RABO']) + digits(10)
    if cc == 'ES': return digits(20)
    if cc == 'IT': return R.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ') + digits(22)

def fmt_iban(i, spaced):
    return ' '.join(i[k:k + 4] for k in range(0, len(i), 4)) if spaced else i

def iban():
    cc = R.choice(['DE','GB','FR','NL','ES','IT'])
    i = iban_make(cc, bban(cc)); assert iban_ok(i)
    sp = R.random() < 0.6
    return fmt_iban(i, sp), cc + ('_sp' if sp else '_compact')

def ssn_parts():
    a = R.randrange(1, 900)
    while a == 666: a = R.randrange(1, 900)
    return '%03d' % a, '%02d' % R.randrange(1, 100), '%04d' % R.randrange(1, 10000)

PROV = ['001','002','004','006','008','010','011','012','014','015','017','019','020','022','024','025','026','027','030','031','033','034','035','036','037','038','040','042','044','045','046','048','049','051','052','054','056','058','060','062','064','066','067','068','070','072','074','075','077','079','080','082','083','084','086','087','089','091','092','093','094','095','096']

def cccd():
    c = R.choice('0123')
    yy = '%02d' % (R.randrange(50, 100) if c in '01' else R.randrange(0, 7))
    return R.choice(PROV) + c + yy + digits(6)

def cmnd():
    return R.choice('0123') + digits(8)

def aadhaar():
    b = R.choice('23456789') + digits(10)
    n = b + verhoeff_digit(b); assert verhoeff_ok(n)
    f = R.choice(['sp', 'sp', 'none', 'dash'])
    v = {'sp': '%s %s %s' % (n[:4], n[4:8], n[8:]), 'none': n, 'dash': '%s-%s-%s' % (n[:4], n[4:8], n[8:])}[f]
    return v, 'aadhaar_' + f

UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
def pan():
    return ''.join(R.choice(UP) for _ in range(3)) + R.choice('PCHFATBLJG') + R.choice(UP) + digits(4) + R.choice(UP)

MONTHS = ['January','February','March','April','May','June','July','August','September','October','November','December']
def fmt_date(y, m, d, f):
    return {'dmy_slash': '%02d/%02d/%d' % (d, m, y), 'iso': '%d-%02d-%02d' % (y, m, d), 'dmy_dash': '%02d-%02d-%d' % (d, m, y),
            'dmy_dot': '%02d.%02d.%d' % (d, m, y), 'mdy_long': '%s %d, %d' % (MONTHS[m - 1], d, y), 'dmy_long': '%d %s %d' % (d, MONTHS[m - 1], y),
            'mdy_slash': '%02d/%02d/%d' % (m, d, y)}[f]

DATE_FMTS = ['dmy_slash','iso','dmy_dash','dmy_dot','mdy_long','dmy_long']
def dob(f=None):
    f = f or R.choice(DATE_FMTS)
    return fmt_date(R.randrange(1950, 2006), R.randrange(1, 13), R.randrange(1, 29), f), f

def ip():
    k = R.choice(['v4','v4','v4','v6_full','v6_comp','v6_doc'])
    if k == 'v4':
        return '%d.%d.%d.%d' % (R.choice([14,27,42,58,103,113,115,117,118,123,171,183,203,210,222,81,92,185]), R.randrange(256), R.randrange(256), R.randrange(1, 255)), k
    if k == 'v6_full':
        return ':'.join(['%04x' % R.randrange(0x2001, 0x2c00)] + ['%04x' % R.randrange(65536) for _ in range(7)]), k
    if k == 'v6_comp':
        return '%s:%x:%x:%x::%x' % (R.choice(['2402','2001','2405','2a02']), R.randrange(65536), R.randrange(65536), R.randrange(65536), R.randrange(1, 65536)), k
    return R.choice(['2001:db8::1', '2001:db8::%x' % R.randrange(1, 65536), '2001:db8:%x::%x' % (R.randrange(1, 65536), R.randrange(1, 65536))]), k

# ---------------------------------------------------------------- fragments: (text, labels[(ent,val,fmt)], near[(kind,val,confusable)])
def L(ent, val, fmt=''):
    return (ent, val, fmt)

def frag(ent, region='vn', vi=True):
    """one context+value sentence fragment for entity ent"""
    if ent == 'EMAIL_ADDRESS':
        v = email_for(); c = R.choice(['Email: %s', 'E-mail: %s', 'gửi về %s giúp em', 'mail: %s', 'contact me at %s', 'email của chị là %s', '%s'])
        return c % v, [L(ent, v, 'email')]
    if ent == 'PHONE_NUMBER':
        v, f = phone(region if R.random() < 0.7 else None)
        c = R.choice(['SĐT: %s', 'Số điện thoại: %s', 'ĐT: %s', 'Phone: %s', 'Mobile: %s', 'Tel: %s', 'gọi cho tôi số %s', 'call me on %s', 'Zalo: %s', 'anh ấy để lại số %s', 'liên hệ %s'])
        return c % v, [L(ent, v, f)]
    if ent == 'CREDIT_CARD':
        v, f = card(); c = R.choice(['Số thẻ: %s', 'Card number: %s', 'thẻ Visa/Master %s', 'CC: %s', 'thanh toán bằng thẻ %s', 'card no. %s exp 09/27'])
        return c % v, [L(ent, v, f)]
    if ent == 'IBAN_CODE':
        v, f = iban(); c = R.choice(['IBAN: %s', 'Số tài khoản IBAN: %s', 'please wire to %s', 'bank account (IBAN) %s', 'IBAN %s, BIC DEUTDEFF'])
        return c % v, [L(ent, v, f)]
    if ent == 'US_SSN':
        a, g, s = ssn_parts()
        if R.random() < 0.3:
            v = a + g + s; c = R.choice(['SSN %s', 'SSN: %s', 'ssn#%s']); f = 'compact'
        else:
            v = '%s-%s-%s' % (a, g, s); c = R.choice(['SSN: %s', 'Social Security Number: %s', 'social security no. %s', 'SSN %s']); f = 'dashed'
        return c % v, [L(ent, v, f)]
    if ent == 'VN_CCCD':
        v = cccd(); c = R.choice(['CCCD: %s', 'Số CCCD: %s', 'căn cước công dân số %s', 'số định danh cá nhân: %s', 'Căn cước: %s', 'CCCD số %s'])
        return c % v, [L(ent, v, 'cccd')]
    if ent == 'VN_CMND':
        v = cmnd(); c = R.choice(['CMND: %s', 'số CMND %s', 'chứng minh nhân dân số %s', 'CMND số %s cấp tại CA TP.HCM', 'Số CMND: %s'])
        return c % v, [L(ent, v, 'cmnd')]
    if ent == 'IN_AADHAAR':
        v, f = aadhaar(); c = R.choice(['Aadhaar: %s', 'Aadhaar No. %s', 'UIDAI number %s', 'Aadhaar card %s', 'aadhaar %s'])
        return c % v, [L(ent, v, f)]
    if ent == 'IN_PAN':
        v = pan(); c = R.choice(['PAN: %s', 'PAN No: %s', 'PAN card %s', 'pan %s'])
        return c % v, [L(ent, v, 'pan')]
    if ent == 'DATE_OF_BIRTH':
        v, f = dob(); c = R.choice(['DOB: %s', 'Date of birth: %s', 'born on %s', 'Ngày sinh: %s', 'sinh ngày %s', 'D.O.B %s'])
        return c % v, [L(ent, v, f)]
    if ent == 'IP_ADDRESS':
        v, f = ip(); c = R.choice(['IP: %s', 'đăng nhập từ IP %s', 'login from %s', 'client_ip=%s', 'remote addr %s'])
        return c % v, [L(ent, v, f)]
    if ent == 'PERSON':
        v = person(region); c = R.choice(['Khách hàng: %s', 'Họ tên: %s', 'Name: %s', 'Customer: %s', 'Người nhận: %s', 'Full name: %s'])
        return c % v, [L(ent, v, 'name_ctx')]
    if ent == 'STREET_ADDRESS':
        v = address(region); c = R.choice(['Địa chỉ: %s', 'Address: %s', 'Địa chỉ giao hàng: %s', 'ship to %s', 'Shipping address: %s'])
        return c % v, [L(ent, v, 'addr_' + region)]
    raise ValueError(ent)

NEAR_KINDS = ['luhn_invalid','iban_bad_checksum','iban_vn','verhoeff_invalid','verhoeff_invalid_ctx','order_12','invoice_12','invoice_date','delivery_date','issue_date',
              'contract_date','version','sku','tracking','amount','timestamp','nine_digit_code','bad_province_12','unix_ts']

def near(kind=None):
    kind = kind or R.choice(NEAR_KINDS)
    if kind == 'luhn_invalid':
        n = luhn_complete(R.choice(['4', '5' + R.choice('12345')]), 16); n = n[:-1] + str((int(n[-1]) + R.randrange(1, 10)) % 10)
        assert not luhn_ok(n)
        v = R.choice([' ', '-', '']).join(n[i:i + 4] for i in range(0, 16, 4))
        return R.choice(['Mã giao dịch: %s', 'Ref: %s', 'Card number: %s (declined, invalid number)', 'Số tham chiếu %s', 'Loyalty card %s']) % v, [(kind, v, 'CREDIT_CARD')]
    if kind == 'iban_bad_checksum':
        cc = R.choice(['DE','GB','FR','NL','ES','IT']); i = iban_make(cc, bban(cc))
        cd = int(i[2:4]); bad = '%02d' % ((cd + R.randrange(1, 90)) % 97 or 11)
        i = i[:2] + bad + i[4:]
        if iban_ok(i): return near(kind)
        v = fmt_iban(i, R.random() < 0.5)
        return R.choice(['IBAN: %s', 'Old account %s (closed)', 'bank account (IBAN) %s']) % v, [(kind, v, 'IBAN_CODE')]
    if kind == 'iban_vn':
        i = iban_make('VN', digits(14)); v = fmt_iban(i, R.random() < 0.5)
        return R.choice(['Số TK: %s', 'Tài khoản %s']) % v, [(kind, v, 'IBAN_CODE')]
    if kind in ('verhoeff_invalid', 'verhoeff_invalid_ctx'):
        while True:
            n = R.choice('23456789') + digits(11)
            if not verhoeff_ok(n): break
        v = R.choice(['%s %s %s' % (n[:4], n[4:8], n[8:]), n])
        if kind == 'verhoeff_invalid':
            return R.choice(['Mã tham chiếu: %s', 'Ref no. %s', 'Số hồ sơ %s', 'Batch %s']) % v, [(kind, v, 'IN_AADHAAR')]
        return R.choice(['Aadhaar: %s (sai, cần kiểm tra lại)', 'aadhaar no %s - typo?']) % v, [(kind, v, 'IN_AADHAAR')]
    if kind == 'order_12':
        v = R.choice(['2024%02d%02d%04d' % (R.randrange(1, 13), R.randrange(1, 29), R.randrange(1, 10000)), '1' + digits(11)])
        return R.choice(['Mã đơn hàng: %s', 'Order #%s', 'Đơn hàng số %s', 'order id %s']) % v, [(kind, v, 'IN_AADHAAR' if verhoeff_ok(v) else 'VN_CCCD')]
    if kind == 'invoice_12':
        v = digits(12)
        return R.choice(['Invoice No. %s', 'Số hóa đơn: %s', 'Mã hóa đơn %s', 'Invoice number: %s']) % v, [(kind, v, 'VN_CCCD')]
    if kind in ('invoice_date', 'delivery_date', 'issue_date', 'contract_date'):
        v = fmt_date(R.randrange(2018, 2026), R.randrange(1, 13), R.randrange(1, 29), R.choice(DATE_FMTS))
        c = {'invoice_date': ['Invoice date: %s', 'Ngày xuất hóa đơn: %s', 'Ngày hóa đơn %s'], 'delivery_date': ['Ngày giao hàng: %s', 'Delivery date: %s', 'giao hàng ngày %s'],
             'issue_date': ['ngày cấp: %s', 'Date of issue: %s', 'cấp ngày %s'], 'contract_date': ['Ngày ký hợp đồng: %s', 'Contract signed on %s', 'Due date: %s']}[kind]
        return R.choice(c) % v, [(kind, v, 'DATE_OF_BIRTH')]
    if kind == 'version':
        v = R.choice(['10.0.19045.%d' % R.randrange(1, 4000), '1.2.3.4', '%d.%d.%d.%d' % (R.randrange(1, 20), R.randrange(0, 10), R.randrange(0, 300), R.randrange(0, 9999))])
        return R.choice(['version %s', 'Windows version %s', 'Build %s', 'App v%s đã cập nhật', 'firmware %s']) % v, [(kind, v, 'IP_ADDRESS')]
    if kind == 'sku':
        v = R.choice(['0%s-%s-%s-%s' % (R.choice(VN_PFX), digits(3), digits(3), R.choice(UP)), '09%s%s' % (digits(8), R.choice(UP)), '%s-%s-%s' % (R.choice(['SP', 'SKU', 'PRD']), digits(4), digits(6))])
        return R.choice(['SKU %s', 'Mã SP: %s', 'Product code %s', 'mã hàng %s']) % v, [(kind, v, 'PHONE_NUMBER')]
    if kind == 'tracking':
        v = R.choice(['SPXVN0%s' % digits(11), '1Z%s%s' % (''.join(R.choice(UP) for _ in range(6)), digits(10)), 'EB%sVN' % digits(9), '9400 1%s %s %s %s %s' % (digits(3), digits(4), digits(4), digits(4), digits(2)), 'GHN%s' % digits(9)])
        return R.choice(['Mã vận đơn: %s', 'Tracking: %s', 'tracking number %s', 'Mã vận chuyển %s']) % v, [(kind, v, 'PHONE_NUMBER')]
    if kind == 'amount':
        v = R.choice(['%s.%03d.000 đ' % (R.randrange(1, 99), R.randrange(1000)), '%d.%03d.%03d VND' % (R.randrange(1, 999), R.randrange(1000), R.randrange(1000)), '$%d,%03d.%02d' % (R.randrange(1, 999), R.randrange(1000), R.randrange(100)), '%d.%03d,%02d €' % (R.randrange(1, 99), R.randrange(1000), R.randrange(100))])
        return R.choice(['Tổng tiền: %s', 'Amount due: %s', 'Thành tiền %s', 'Total: %s']) % v, [(kind, v, 'PHONE_NUMBER')]
    if kind == 'timestamp':
        v = R.choice(['2024-%02d-%02dT%02d:%02d:%02dZ' % (R.randrange(1, 13), R.randrange(1, 29), R.randrange(24), R.randrange(60), R.randrange(60)), '%02d/%02d/2024 %02d:%02d:%02d' % (R.randrange(1, 29), R.randrange(1, 13), R.randrange(24), R.randrange(60), R.randrange(60))])
        return R.choice(['Created at %s', 'Cập nhật lúc %s', 'last_login=%s', 'timestamp: %s']) % v, [(kind, v, 'DATE_OF_BIRTH')]
    if kind == 'unix_ts':
        v = str(R.randrange(1600000000, 1760000000)) + R.choice(['', digits(3)])
        return R.choice(['ts=%s', 'epoch %s', 'created_unix: %s']) % v, [(kind, v, 'PHONE_NUMBER')]
    if kind == 'nine_digit_code':
        v = digits(9)
        return R.choice(['Mã KH: %s', 'Customer ID %s', 'Mã nhân viên %s', 'ticket %s']) % v, [(kind, v, 'VN_CMND')]
    if kind == 'bad_province_12':
        v = R.choice(['003','005','097','098','099','100']) + R.choice('0123') + digits(8)
        return R.choice(['Mã hồ sơ: %s', 'Số hợp đồng %s', 'Mã BHXH %s']) % v, [(kind, v, 'VN_CCCD')]
    raise ValueError(kind)

FILLER_VI = ['Đã xác nhận đơn hàng.', 'Khách phàn nàn giao hàng chậm.', 'Cần gọi lại vào thứ Hai.', 'Đã hoàn tiền một phần.', 'Sản phẩm lỗi, cần đổi trả.',
             'Chuyển cho bộ phận kế toán xử lý.', 'Khách muốn nâng cấp gói dịch vụ.', 'Hẹn gặp tại văn phòng chiều nay.', 'Đã gửi báo giá.', 'Chưa liên lạc được.']
FILLER_EN = ['Order confirmed.', 'Customer asked about the refund policy.', 'Follow up next week.', 'Escalated to billing.', 'Package was damaged in transit.',
             'Upgrade to premium plan requested.', 'Meeting moved to Thursday afternoon.', 'Quote sent, waiting for approval.', 'No answer, left voicemail.', 'Ticket closed.']

ENTS = ['EMAIL_ADDRESS','PHONE_NUMBER','CREDIT_CARD','IBAN_CODE','US_SSN','VN_CCCD','VN_CMND','IN_AADHAAR','IN_PAN','DATE_OF_BIRTH','IP_ADDRESS','PERSON','STREET_ADDRESS']
REGION_ENTS = {'vn': ['EMAIL_ADDRESS','PHONE_NUMBER','PHONE_NUMBER','VN_CCCD','VN_CCCD','VN_CMND','DATE_OF_BIRTH','PERSON','STREET_ADDRESS','CREDIT_CARD','IP_ADDRESS'],
               'in': ['EMAIL_ADDRESS','PHONE_NUMBER','IN_AADHAAR','IN_AADHAAR','IN_PAN','DATE_OF_BIRTH','PERSON','STREET_ADDRESS','CREDIT_CARD'],
               'us': ['EMAIL_ADDRESS','PHONE_NUMBER','US_SSN','US_SSN','DATE_OF_BIRTH','PERSON','STREET_ADDRESS','CREDIT_CARD','IP_ADDRESS'],
               'eu': ['EMAIL_ADDRESS','PHONE_NUMBER','IBAN_CODE','IBAN_CODE','DATE_OF_BIRTH','PERSON','STREET_ADDRESS','CREDIT_CARD','IP_ADDRESS']}

def region_pick():
    return R.choice(['vn','vn','vn','in','us','eu'])

def sub_region(r):
    return R.choice(['gb','de','fr','br','sg']) if r == 'eu' else r

# ---------------------------------------------------------------- output collection
LABELS, NEAR, IGNORE = [], [], []

def emit(path, lines, nl='\n', bom=False, encoding='utf-8'):
    """lines: list of (text, labels, nears, ignores) -> file; records labels with 1-based physical line numbers
    A text may contain '\n' (multi-line); labels then carry their own offset: (ent,val,fmt,off)"""
    full = os.path.join(DOCS, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    out = []
    ln = 1
    for text, labs, nears, igs in lines:
        for lab in labs:
            off = lab[3] if len(lab) > 3 else 0
            LABELS.append({'path': path, 'line': ln + off, 'entity': lab[0], 'value': lab[1], 'fmt': lab[2]})
        for nm in nears:
            off = nm[3] if len(nm) > 3 else 0
            NEAR.append({'path': path, 'line': ln + off, 'entity': 'NONE', 'kind': nm[0], 'value': nm[1], 'confusable': nm[2]})
        for ent in igs:
            IGNORE.append({'path': path, 'line': ln, 'entity': ent})
        out.append(text)
        ln += text.count('\n') + 1
    data = nl.join(out) + nl
    with open(full, 'w', encoding=encoding, newline='') as fh:
        if bom: fh.write('\ufeff')
        fh.write(data)

# ---------------------------------------------------------------- CSV
HEADERS = {
    'name': ['Họ tên', 'Full name', 'Họ và tên', 'Name', 'Tên khách hàng', 'Customer name'],
    'email': ['Email', 'E-mail', 'Địa chỉ email', 'email_address', 'Mail'],
    'phone': ['Số điện thoại', 'SĐT', 'Phone', 'Mobile', 'Điện thoại', 'Phone number', 'Tel'],
    'dob': ['DOB', 'Ngày sinh', 'Date of birth', 'Birthday', 'ngay_sinh'],
    'address': ['Địa chỉ', 'Address', 'Địa chỉ liên hệ', 'Street address', 'Địa chỉ giao hàng'],
    'cccd': ['CCCD', 'Căn cước', 'Số CCCD', 'Số định danh', 'CCCD/CMND'],
    'cmnd': ['CMND', 'Số CMND'],
    'aadhaar': ['Aadhaar', 'Aadhaar No', 'aadhaar_number'],
    'pan': ['PAN', 'PAN No', 'pan_number'],
    'ssn': ['SSN', 'Social Security Number', 'ssn'],
    'card': ['Card number', 'Số thẻ', 'card_no', 'Credit card'],
    'iban': ['IBAN', 'Bank account (IBAN)', 'iban'],
    'ip': ['IP', 'ip_address', 'Client IP', 'Địa chỉ IP'],
    # non-PII columns
    'custid': ['Mã KH', 'Customer ID', 'cust_id'],
    'created': ['Ngày tạo', 'Created', 'created_at', 'Ngày đăng ký'],
    'amount': ['Tổng tiền', 'Amount', 'Tổng chi tiêu', 'Total'],
    'order': ['Mã đơn hàng', 'Order ID', 'order_no'],
    'invoice_date': ['Ngày xuất hóa đơn', 'Invoice date', 'Ngày giao hàng'],
    'sku': ['SKU', 'Mã SP'],
    'tracking': ['Mã vận đơn', 'Tracking'],
    'version': ['App version', 'Phiên bản'],
    'status': ['Trạng thái', 'Status'],
    'note': ['Ghi chú', 'Notes'],
}
SCHEMAS = {
    'vn_customers': ('vn', ['custid', 'name', 'phone', 'email', 'dob', 'cccd', 'address', 'created', 'amount', 'status']),
    'vn_hr': ('vn', ['name', 'dob', 'cccd', 'cmnd', 'phone', 'email', 'address']),
    'vn_orders': ('vn', ['order', 'name', 'phone', 'address', 'invoice_date', 'sku', 'amount', 'tracking', 'status']),
    'in_hr': ('in', ['name', 'email', 'phone', 'dob', 'aadhaar', 'pan', 'address', 'created']),
    'us_payroll': ('us', ['name', 'email', 'phone', 'ssn', 'dob', 'address', 'amount']),
    'eu_payments': ('eu', ['name', 'email', 'iban', 'card', 'amount', 'invoice_date', 'phone']),
    'logins': ('vn', ['created', 'email', 'ip', 'version', 'status']),
}
COL_ENT = {'name': 'PERSON', 'email': 'EMAIL_ADDRESS', 'phone': 'PHONE_NUMBER', 'dob': 'DATE_OF_BIRTH', 'address': 'STREET_ADDRESS', 'cccd': 'VN_CCCD',
           'cmnd': 'VN_CMND', 'aadhaar': 'IN_AADHAAR', 'pan': 'IN_PAN', 'ssn': 'US_SSN', 'card': 'CREDIT_CARD', 'iban': 'IBAN_CODE', 'ip': 'IP_ADDRESS'}

def csv_field(s, delim, quote_all):
    if quote_all or delim in s or '"' in s or '\n' in s:
        return '"' + s.replace('"', '""') + '"'
    return s

def make_csv(idx):
    sname = R.choice(list(SCHEMAS)); region, cols = SCHEMAS[sname]
    cols = list(cols)
    if R.random() < 0.3:
        R.shuffle(cols)
    if R.random() < 0.15 and 'note' not in cols:
        cols.append('note')
    delim = R.choice([',', ';', '\t'])
    quote_all = R.random() < 0.2
    hdr = [R.choice(HEADERS[c]) for c in cols]
    dfmt = R.choice(DATE_FMTS[:4] + (['mdy_slash'] if region == 'us' else []))
    cdfmt = R.choice(DATE_FMTS[:4])
    n = R.randrange(40, 260)
    lines = [(delim.join(csv_field(h, delim, quote_all) for h in hdr), [], [], [])]
    for _ in range(n):
        sub = sub_region(region)
        name = person(sub if sub in ('vn', 'in') else 'en')
        vals, labs, nears = [], [], []
        noff = 0  # multi-line note: values after it live on later physical lines? we label the record start line
        for c in cols:
            ent = COL_ENT.get(c)
            v = ''; f = ''
            if R.random() < 0.04 and c not in ('name',):
                vals.append(''); continue
            if c == 'name': v, f = name, 'csv_name'
            elif c == 'email': v, f = email_for(name), 'email'
            elif c == 'phone':
                v, f = phone(sub if R.random() < 0.85 else None)
            elif c == 'dob': v, f = dob(dfmt)
            elif c == 'address': v, f = address(sub), 'addr_' + sub
            elif c == 'cccd': v, f = cccd(), 'cccd_bare'
            elif c == 'cmnd': v, f = cmnd(), 'cmnd_bare'
            elif c == 'aadhaar': v, f = aadhaar()
            elif c == 'pan': v, f = pan(), 'pan'
            elif c == 'ssn':
                a, g, s = ssn_parts(); v, f = ('%s-%s-%s' % (a, g, s), 'dashed') if R.random() < 0.8 else (a + g + s, 'compact')
            elif c == 'card': v, f = card()
            elif c == 'iban': v, f = iban()
            elif c == 'ip': v, f = ip()
            elif c == 'custid':
                v = R.choice(['KH%06d' % R.randrange(10 ** 6), digits(9)])
                if v.isdigit(): nears.append(('nine_digit_code', v, 'VN_CMND'))
            elif c == 'created':
                v = fmt_date(R.randrange(2019, 2026), R.randrange(1, 13), R.randrange(1, 29), cdfmt); nears.append(('csv_created_date', v, 'DATE_OF_BIRTH'))
            elif c == 'amount':
                v = R.choice(['%d.%03d.000' % (R.randrange(1, 99), R.randrange(1000)), '%d%03d000' % (R.randrange(1, 99), R.randrange(1000)), '%d.%02d' % (R.randrange(10, 99999), R.randrange(100))])
                nears.append(('csv_amount', v, 'PHONE_NUMBER'))
            elif c == 'order':
                v = R.choice(['2024%02d%02d%04d' % (R.randrange(1, 13), R.randrange(1, 29), R.randrange(1, 10000)), '1' + digits(11), 'DH%08d' % R.randrange(10 ** 8)])
                if v.isdigit(): nears.append(('csv_order_12', v, 'VN_CCCD/IN_AADHAAR'))
            elif c == 'invoice_date':
                v = fmt_date(R.randrange(2019, 2026), R.randrange(1, 13), R.randrange(1, 29), cdfmt); nears.append(('csv_invoice_date', v, 'DATE_OF_BIRTH'))
            elif c == 'sku':
                v = R.choice(['0%s-%s-%s-%s' % (R.choice(VN_PFX), digits(3), digits(3), R.choice(UP)), 'SP-%s-%s' % (digits(4), digits(6))]); nears.append(('csv_sku', v, 'PHONE_NUMBER'))
            elif c == 'tracking':
                v = R.choice(['SPXVN0%s' % digits(11), 'EB%sVN' % digits(9), 'GHN%s' % digits(9)]); nears.append(('csv_tracking', v, 'PHONE_NUMBER'))
            elif c == 'version':
                v = '%d.%d.%d.%d' % (R.randrange(1, 12), R.randrange(10), R.randrange(100), R.randrange(9999)); nears.append(('csv_version', v, 'IP_ADDRESS'))
            elif c == 'status':
                v = R.choice(['active', 'Đã giao', 'pending', 'Đang xử lý', 'closed'])
            elif c == 'note':
                if R.random() < 0.3:
                    v = R.choice(FILLER_VI) + '\n' + R.choice(FILLER_EN)
                else:
                    v = R.choice(FILLER_VI + FILLER_EN)
            if ent and v:
                labs.append((ent, v, f))
            vals.append(v)
        lines.append((delim.join(csv_field(v, delim, quote_all) for v in vals), labs, nears, []))
    ext = '.tsv' if (delim == '\t' and R.random() < 0.5) else '.csv'
    path = 'exports/%s_%03d%s' % (sname, idx, ext)
    emit(path, lines, nl=R.choice(['\n', '\n', '\r\n']), bom=R.random() < 0.15)

# ---------------------------------------------------------------- notes
def make_note(idx):
    region = region_pick()
    vi = region == 'vn' or R.random() < 0.3
    lines = [(R.choice(['Ghi chú chăm sóc khách hàng', 'Call notes', 'Biên bản làm việc', 'Support log', 'Danh sách cần xử lý']) + ' - tuần %d' % R.randrange(1, 53), [], [], []), ('', [], [], [])]
    n = R.randrange(25, 90)
    filler = FILLER_VI if vi else FILLER_EN
    for _ in range(n):
        r = R.random()
        sub = sub_region(region)
        if r < 0.12:
            # profile block
            block = []
            for ent in ['PERSON', 'DATE_OF_BIRTH', R.choice(REGION_ENTS[region]), 'PHONE_NUMBER', 'STREET_ADDRESS']:
                t, labs = frag(ent, sub, vi)
                block.append((t, labs, [], []))
            lines.extend(block); lines.append(('', [], [], []))
        elif r < 0.35:
            t, nm = near()
            lines.append(((R.choice(filler) + ' ' if R.random() < 0.5 else '') + t + '.', [], nm, []))
        elif r < 0.5:
            lines.append((R.choice(filler), [], [], []))
        else:
            k = R.choice([1, 1, 2, 2, 3])
            parts, labs = [], []
            for _ in range(k):
                t, lb = frag(R.choice(REGION_ENTS[region]), sub, vi); parts.append(t); labs += lb
            nm = []
            if R.random() < 0.2:
                t, nm = near(); parts.append(t)
            s = ', '.join(parts)
            if R.random() < 0.5: s = R.choice(filler) + ' ' + s
            lines.append((s + '.', labs, nm, []))
    emit('notes/%s_%03d.txt' % (R.choice(['ghichu', 'notes', 'meeting', 'support']), idx), lines, nl=R.choice(['\n', '\n', '\r\n']))

# ---------------------------------------------------------------- WhatsApp
CHAT_VI = ['ok em', 'Dạ vâng ạ', 'chị check giúp em với', 'để em kiểm tra lại', 'hàng về chưa c?', 'mai giao nhé', 'thanks', '<Media omitted>', 'cảm ơn chị nhiều', 'oke a']
CHAT_EN = ['ok', 'sure, will do', 'can you check?', 'thanks!', '<Media omitted>', 'sent', 'see you tomorrow', 'noted']

def make_chat(idx):
    region = region_pick(); vi = region == 'vn'
    first = ['Lan', 'Minh', 'Tuấn', 'Hoa KT', 'Sếp Hùng', 'Trang Sales'] if vi else ['Priya', 'Rahul', 'Emma', 'Tom', 'Anna']
    senders = R.sample(first, 2)
    phone_sender = None
    if R.random() < 0.4:
        phone_sender, pf = phone(sub_region(region))
    ios = R.random() < 0.2
    y, mo, d, h, mi = 2024, R.randrange(1, 13), R.randrange(1, 28), 8, 0
    lines = []
    if not ios:
        lines.append(('%02d/%02d/%d, %02d:%02d - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.' % (d, mo, y, h, mi), [], [], []))
    n = R.randrange(40, 160)
    filler = CHAT_VI if vi else CHAT_EN
    for _ in range(n):
        mi += R.randrange(1, 30)
        if mi >= 60: h += mi // 60; mi %= 60
        if h >= 23: h = 8; d += 1
        if d > 28: d = 1; mo = mo % 12 + 1
        who_phone = phone_sender and R.random() < 0.35
        who = ('\u202a%s\u202c' % phone_sender if R.random() < 0.5 else phone_sender) if who_phone else R.choice(senders)
        ts = ('[%02d/%02d/%d, %02d:%02d:%02d] ' % (d, mo, y, h, mi, R.randrange(60))) if ios else ('%02d/%02d/%d, %02d:%02d - ' % (d, mo, y, h, mi))
        pre = ts + who + ': '
        prelabs = [('PHONE_NUMBER', phone_sender, 'chat_sender')] if who_phone else []
        igs = [] if who_phone else ['PERSON']
        r = R.random()
        sub = sub_region(region)
        if r < 0.4:
            lines.append((pre + R.choice(filler), prelabs, [], igs))
        elif r < 0.55:
            t, nm = near()
            lines.append((pre + t, prelabs, nm, igs))
        elif r < 0.65:
            # multi-line message with customer data
            body, labs = [R.choice(['Thông tin KH:', 'Khách mới nè:', 'Customer details:'])], list(prelabs)
            for k, ent in enumerate(['PERSON', 'PHONE_NUMBER', R.choice(REGION_ENTS[region]), 'STREET_ADDRESS']):
                t, lb = frag(ent, sub, vi); body.append(t)
                labs += [(a, b, c, k + 1) for a, b, c in lb]
            lines.append((pre + '\n'.join(body), labs, [], igs))
        else:
            t, lb = frag(R.choice(REGION_ENTS[region]), sub, vi)
            if R.random() < 0.3:
                t = R.choice(['em gửi ', 'đây nhé: ', 'here: ', 'fyi ']) + t
            lines.append((pre + t, prelabs + lb, [], igs))
    emit('chats/WhatsApp Chat with %s %03d.txt' % (senders[1], idx), lines)

# ---------------------------------------------------------------- e-mail
def enc_hdr(s):
    try:
        s.encode('ascii'); return s
    except UnicodeEncodeError:
        return '=?UTF-8?B?%s?=' % base64.b64encode(s.encode()).decode()

def make_eml(idx):
    region = region_pick(); vi = region == 'vn'
    sub = sub_region(region)
    sname = person(sub if sub in ('vn', 'in') else 'en'); rname = person(sub if sub in ('vn', 'in') else 'en')
    semail, remail = email_for(sname), email_for(rname)
    lines = []
    lines.append(('From: "%s" <%s>' % (enc_hdr(sname), semail), [('PERSON', sname, 'eml_from'), ('EMAIL_ADDRESS', semail, 'eml_hdr')], [], []))
    lines.append(('To: %s <%s>' % (enc_hdr(rname) if R.random() < 0.5 else '"%s"' % enc_hdr(rname), remail), [('PERSON', rname, 'eml_to'), ('EMAIL_ADDRESS', remail, 'eml_hdr')], [], []))
    subj = R.choice(['Thông tin khách hàng', 'Re: Hồ sơ nhân viên mới', 'Customer details', 'Fwd: refund request', 'Cập nhật hợp đồng', 'Payment details'])
    lines.append(('Subject: %s' % enc_hdr(subj), [], [], []))
    dd = R.randrange(1, 28)
    lines.append(('Date: %s, %02d Mar 2024 %02d:%02d:%02d +0700' % (R.choice(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']), dd, R.randrange(24), R.randrange(60), R.randrange(60)), [], [('eml_date_header', 'Date', 'DATE_OF_BIRTH')], []))
    lines.append(('Message-ID: <%s.%d@mail.%s>' % (digits(14), R.randrange(10 ** 5), semail.split('@')[1]), [], [], []))
    lines.append(('MIME-Version: 1.0', [], [], []))
    lines.append(('Content-Type: text/plain; charset="utf-8"', [], [], []))
    lines.append(('Content-Transfer-Encoding: 8bit', [], [], []))
    lines.append(('', [], [], []))
    greet = R.choice(['Kính gửi anh/chị %s,', 'Chào %s,', 'Dear %s,', 'Hi %s,'])
    lines.append((greet % rname, [('PERSON', rname, 'eml_greeting')], [], []))
    lines.append(('', [], [], []))
    filler = FILLER_VI if vi else FILLER_EN
    for _ in range(R.randrange(5, 25)):
        r = R.random()
        if r < 0.25:
            t, nm = near(); lines.append((t + '.', [], nm, []))
        elif r < 0.4:
            lines.append((R.choice(filler), [], [], []))
        else:
            t, lb = frag(R.choice(REGION_ENTS[region]), sub, vi)
            lines.append(((R.choice(filler) + ' ' if R.random() < 0.3 else '') + t + '.', lb, [], []))
    lines.append(('', [], [], []))
    lines.append((R.choice(['Trân trọng,', 'Best regards,', 'Thanks,', '--']), [], [], []))
    lines.append((sname, [('PERSON', sname, 'eml_signature')], [], []))
    lines.append((R.choice(['Phòng Kinh doanh', 'Sales Manager', 'HR Department', 'Kế toán trưởng']), [], [], []))
    p, pf = phone(sub)
    lines.append((R.choice(['Mobile: %s', 'M: %s', 'ĐT: %s', 'Tel. %s']) % p, [('PHONE_NUMBER', p, pf)], [], []))
    a = address(sub)
    lines.append((a, [('STREET_ADDRESS', a, 'sig_addr_' + sub)], [], []))
    emit('mail/%s_%03d.eml' % (R.choice(['msg', 'inbox', 'sent']), idx), lines, nl='\r\n' if R.random() < 0.5 else '\n')

# ---------------------------------------------------------------- main
if os.path.isdir(DOCS):
    shutil.rmtree(DOCS)
os.makedirs(DOCS)
for i in range(95): make_csv(i)
for i in range(80): make_note(i)
for i in range(60): make_chat(i)
for i in range(70): make_eml(i)
with open(os.path.join(OUT, 'labels.json'), 'w', encoding='utf-8') as fh:
    json.dump(LABELS, fh, ensure_ascii=False, indent=0)
with open(os.path.join(OUT, 'near_misses.json'), 'w', encoding='utf-8') as fh:
    json.dump(NEAR, fh, ensure_ascii=False, indent=0)
with open(os.path.join(OUT, 'ignore.json'), 'w', encoding='utf-8') as fh:
    json.dump(IGNORE, fh, ensure_ascii=False, indent=0)
print('docs=%d labels=%d near=%d ignore=%d' % (sum(len(f) for _, _, f in os.walk(DOCS)), len(LABELS), len(NEAR), len(IGNORE)))
