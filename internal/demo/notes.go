package demo

import (
	"fmt"
	"strings"
	"time"
)

// supportChannels are the channels a support note can arrive through.
var supportChannels = []string{"web", "zalo", "facebook", "phone", "email"}

// noteTemplate is a support-note text in English or Vietnamese. It
// deliberately contains no personal data. A text with a %d placeholder gets
// a number drawn from [lo, hi].
type noteTemplate struct {
	text   string
	lo, hi int
}

var noteTemplates = []noteTemplate{
	{"Customer could not reset their password because the link had expired. Sent a new link; login confirmed working.", 0, 0},
	{"Customer asked for a copy of the personal data we hold. Opened a data access request, due within 30 days.", 0, 0},
	{"Customer asked to delete their account and associated data. Erasure request opened and acknowledged.", 0, 0},
	{"Customer withdrew consent for marketing e-mails. Preferences updated; no further newsletters will be sent.", 0, 0},
	{"Card payment was declined twice at checkout. Advised to retry after %d minutes; payment went through.", 5, 30},
	{"Parcel delayed in transit by %d days. Shared a new delivery estimate and waived the shipping fee.", 2, 6},
	{"Customer reported a duplicate charge for one order. Refund issued, expected within %d business days.", 3, 7},
	{"Customer asked how their data is protected at rest. Shared the security overview page.", 0, 0},
	{"Khách hàng không nhận được mã OTP khi đăng nhập. Đã hướng dẫn kiểm tra cài đặt tin nhắn, sự cố đã được khắc phục.", 0, 0},
	{"Khách hàng hỏi về chính sách đổi trả trong 30 ngày. Đã gửi hướng dẫn chi tiết.", 0, 0},
	{"Khách hàng phản ánh thanh toán bằng thẻ bị từ chối. Đã đề nghị thử lại sau %d phút, giao dịch thành công.", 5, 30},
	{"Khách hàng muốn hủy nhận bản tin khuyến mãi. Đã cập nhật tùy chọn liên lạc.", 0, 0},
	{"Khách hàng yêu cầu cung cấp bản sao dữ liệu cá nhân. Đã tạo yêu cầu truy cập dữ liệu.", 0, 0},
	{"Đơn hàng giao chậm %d ngày. Đã xin lỗi khách hàng và tặng mã miễn phí vận chuyển.", 2, 6},
	{"Khách hàng yêu cầu xóa tài khoản và dữ liệu liên quan. Đã tiếp nhận yêu cầu xóa dữ liệu.", 0, 0},
	{"Ứng dụng báo lỗi khi tải hóa đơn điện tử. Đã chuyển bộ phận kỹ thuật, khách hàng sẽ được thông báo khi xử lý xong.", 0, 0},
}

// Support notes are opened between these days.
var (
	notesFrom = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)
	notesTo   = time.Date(2025, time.December, 31, 0, 0, 0, 0, time.UTC)
)

// SupportNote returns the synthetic support-note record body number i for
// subject, deterministic for (seed, i):
//
//	{"subject": subject, "data": {"channel": ..., "note": ..., "opened_on": "YYYY-MM-DD"}}
//
// channel is one of web, zalo, facebook, phone or email; note is a short
// support text in English or Vietnamese without any personal data.
func SupportNote(seed uint64, i int, subject string) map[string]any {
	r := newRand(seed, streamNote, uint64(i))
	t := pick(r, noteTemplates)
	note := t.text
	if strings.Contains(note, "%d") {
		note = fmt.Sprintf(note, t.lo+r.IntN(t.hi-t.lo+1))
	}
	days := int(notesTo.Sub(notesFrom).Hours() / 24)
	return map[string]any{
		"subject": subject,
		"data": map[string]any{
			"channel":   pick(r, supportChannels),
			"note":      note,
			"opened_on": notesFrom.AddDate(0, 0, r.IntN(days+1)).Format(time.DateOnly),
		},
	}
}
