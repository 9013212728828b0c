package incidents

import "strings"

// draftWords are the words a notification draft is written with in one
// language: dates, kinds of system, data categories and who read the data.
type draftWords struct {
	dateLayout     string
	kind           func(kind string) string
	category       func(c string) string
	token, account string
}

var englishWords = draftWords{dateLayout: "2 January 2006 15:04 MST", kind: kindWords, category: categoryWords,
	token: "API token", account: "user account"}

var vietnameseWords = draftWords{dateLayout: "15:04 MST ngày 02/01/2006", kind: kindWordsVI, category: categoryWordsVI,
	token: "một token API", account: "một tài khoản người dùng"}

// kindWordsVI describes a kind of system in Vietnamese.
func kindWordsVI(kind string) string {
	switch kind {
	case "vault":
		return "cơ sở dữ liệu khách hàng của chúng tôi"
	case "crm":
		return "hệ thống CRM của chúng tôi"
	case "spreadsheet":
		return "một bảng tính"
	case "chat":
		return "một ứng dụng nhắn tin"
	case "email":
		return "hộp thư điện tử"
	case "":
		return "một hệ thống"
	}
	return "một hệ thống " + strings.ReplaceAll(kind, "_", " ")
}

// categoryWordsVIByName names the fideslang categories a breach notice
// most often lists; others fall back to their English words.
var categoryWordsVIByName = map[string]string{
	"user":                        "dữ liệu cá nhân",
	"user.name":                   "họ tên",
	"user.name.first":             "tên",
	"user.name.last":              "họ",
	"user.contact":                "thông tin liên hệ",
	"user.contact.email":          "thông tin liên hệ: địa chỉ e-mail",
	"user.contact.phone_number":   "thông tin liên hệ: số điện thoại",
	"user.contact.address":        "thông tin liên hệ: địa chỉ",
	"user.contact.address.street": "thông tin liên hệ: địa chỉ",
	"user.contact.address.city":   "thông tin liên hệ: tỉnh, thành phố",
	"user.government_id":          "số giấy tờ tùy thân",
	"user.government_id.national_identification_number": "số định danh cá nhân (CCCD)",
	"user.government_id.passport_number":                "số hộ chiếu",
	"user.financial":                                    "thông tin tài chính",
	"user.financial.bank_account":                       "tài khoản ngân hàng",
	"user.financial.credit_card":                        "thẻ thanh toán",
	"user.demographic.date_of_birth":                    "ngày sinh",
	"user.health_and_medical":                           "thông tin sức khỏe",
	"user.location":                                     "vị trí",
	"user.account":                                      "tài khoản",
	"user.content":                                      "nội dung do khách hàng cung cấp",
}

// categoryWordsVI turns a fideslang category into Vietnamese words.
func categoryWordsVI(c string) string {
	if w, ok := categoryWordsVIByName[c]; ok {
		return w
	}
	return categoryWords(c)
}
