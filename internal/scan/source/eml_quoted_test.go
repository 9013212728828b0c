package source

import "testing"

// Encoded-words inside a quoted display name, which many mailers write
// though RFC 2047 forbids it, are decoded in address fields (Base64 and Q;
// UTF-8, Windows-1258 and ISO-8859-1; alone or beside plain words), each
// field on its first line; one in an unknown charset is left as it is.
func TestEMLEncodedWordsInQuotedNames(t *testing.T) {
	msg := "From: \"=?UTF-8?B?VsO1IEPDtG5nIFRo4bqvbmc=?=\" <thang.vo@icloud.com>\n" + // 1
		"To: \"=?utf-8?Q?Nguy=E1=BB=85n_V=C4=83n_An?=\" <an@example.com>,\n" + // 2
		" \"=?windows-1258?Q?Tr=E2=CCn_Thi=F2_Bi=CCnh?=\" <binh@example.vn>\n" + // 3
		"Cc: \"=?ISO-8859-1?Q?Jos=E9?= =?ISO-8859-1?Q?_M=FCller?=\" <jose@example.de>,\n" + // 4
		"  \"=?UTF-8?B?TMOq?= Văn Cường\" <cuong@example.com>, \"Plain Name\" <p@example.com>\n" + // 5
		"Reply-To: \"=?x-unknown?Q?An?=\" <an@example.com>\n" + // 6
		"Subject: hi\n" + // 7
		"\n" +
		"body\n"
	g := scanFile(t, "mail.eml", []byte(msg), Options{})
	checkNoErrors(t, g)
	checkUnits(t, g, []unit{
		hdr("mail.eml", 1, "From", "Võ Công Thắng <thang.vo@icloud.com>"),
		hdr("mail.eml", 2, "To", "Nguyễn Văn An <an@example.com>, Trần Thị Bình <binh@example.vn>"),
		hdr("mail.eml", 4, "Cc", "José Müller <jose@example.de>, Lê Văn Cường <cuong@example.com>, Plain Name <p@example.com>"),
		hdr("mail.eml", 6, "Reply-To", "=?x-unknown?Q?An?= <an@example.com>"),
		hdr("mail.eml", 7, "Subject", "hi"),
		txt("mail.eml", 9, "body", "body"),
	})
}
