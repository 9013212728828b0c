package source

import (
	"slices"
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		content string
		opts    Options
		want    []cell
	}{
		{
			name:    "paragraphs and cells do not run together, inline elements do",
			file:    "glue.html",
			content: `<p>Khách: Đinh Văn Long</p><p>SĐT: 0915 123 456</p><table><tr><td>0912345</td><td>678</td></tr></table><span>0912</span><span>345678</span>`,
			want:    []cell{{1, "", "", "Khách: Đinh Văn Long | SĐT: 0915 123 456 | 0912345 | 678 | 0912345678"}},
		},
		{
			name: "scripts, styles, comments and entities",
			file: "page.html",
			content: `<!DOCTYPE html>
<html><head><title>Danh b&#7841;</title>
<style>body { color: red; } .x > y { content: "0912345678" }</style>
<script type="text/javascript">var s = "</div>0987654321"; if (a < b) {}</script>
</head><body>
<p>Nguy&#7877;n V&#259;n An &amp; <b>Tr</b>ần&nbsp;Bình</p><!-- hidden
0900000000 -->
<div>Email:<br>an@example.com</div><SCRIPT>x("1")</SCRIPT >
<a title="x > y" href="mailto:z@example.com">li<i>nk</i></a> 1 < 2 &lt; 3 AT&T
<img src="a.png"/><p class='x'>a&gt;b<style/>kept</p>
</body></html>`,
			want: []cell{
				{2, "", "", "Danh bạ"},
				{6, "", "", "Nguyễn Văn An & Trần\u00a0Bình"},
				{8, "", "", "Email: | an@example.com"},
				{9, "", "", "link 1 < 2 < 3 AT&T"},
				{10, "", "", "a>b | kept"},
			},
		},
		{
			name: "a table with header cells gives each cell its column as context",
			file: "report.html",
			content: `<table><thead><tr><th>Họ tên</th><th>Ngày&nbsp;sinh</th><th>Số CMND</th></tr></thead>
<tbody><tr>
  <td>Lê Thị
  Hoa</td><td>12/03/1990</td><td>123456789</td>
</tr></tbody></table>
<table><tr><td>SĐT</td><td>0912345678</td></tr></table>`,
			want: []cell{
				{1, "", "", "Họ tên | Ngày\u00a0sinh | Số CMND"},
				{3, "Họ tên", "Họ tên", "Lê Thị Hoa"},
				{4, "Ngày sinh", "Ngày sinh", "12/03/1990"},
				{4, "Số CMND", "Số CMND", "123456789"},
				{6, "", "", "SĐT | 0912345678"},
			},
		},
		{
			name:    "unclosed markup at the end",
			file:    "cut.htm",
			content: "<p>before</p><script>never closed 0912345678",
			want:    []cell{{1, "", "", "before"}},
		},
		{
			name:    "a long text line is split, not inside a reference",
			file:    "long.html",
			content: "<p>" + strings.Repeat("ab ", 10) + "x&amp;y</p>",
			opts:    Options{MaxLineBytes: 16},
			want: []cell{
				{1, "", "", "ab ab ab ab ab"}, {1, "", "", "ab ab ab ab ab"}, {1, "", "", "x&y"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := scanFile(t, tc.file, []byte(tc.content), tc.opts)
			if got := cells(g.units); !slices.Equal(got, tc.want) || len(g.errs) > 0 {
				t.Errorf("units\n got %+v\nwant %+v\nerrors %v", got, tc.want, g.errs)
			}
		})
	}
}
