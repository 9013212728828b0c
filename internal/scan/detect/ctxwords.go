package detect

// ctxMask is a set of context kinds: what the words near a candidate (or
// the hint) say the value is.
type ctxMask uint32

// The context kinds.
const (
	ctxPhone     ctxMask = 1 << iota // phone, sđt, điện thoại
	ctxCard                          // card, visa, thẻ tín dụng
	ctxBank                          // iban, bank account, số tài khoản
	ctxSSN                           // ssn, social security
	ctxCCCD                          // cccd, căn cước, số định danh
	ctxCMND                          // cmnd, chứng minh nhân dân
	ctxIDGeneric                     // id number, national id, giấy tờ
	ctxAadhaar                       // aadhaar, uid
	ctxPAN                           // pan, permanent account number
	ctxPassport                      // passport, hộ chiếu
	ctxDOB                           // dob, date of birth, ngày sinh
	ctxIP                            // ip, ip address
	ctxEmail                         // email, e-mail
	ctxName                          // name, full name, họ tên
	ctxFirstName                     // first name, given name
	ctxLastName                      // last name, surname
	ctxAddress                       // address, địa chỉ, street
	ctxNotPerson                     // company, product, user name: a "name" that is not a person's
	ctxNegID                         // order, invoice, sku: numbers that are not personal
	ctxVersion                       // version, build: dotted numbers that are not addresses
	ctxURL                           // url, website, link: an "address" that is not a postal one
)

// ctxWindow is how many bytes before a candidate are searched for context
// words: a word counts if it ends in the window.
const ctxWindow = 40

// ctxLongest bounds the length of a context phrase in bytes: reading
// starts this much before the window, so that a phrase ending in it is
// seen whole.
const ctxLongest = 40

// ctxWords maps context words and phrases (any case, with or without
// diacritics: they are folded before use) to what they indicate.
var ctxWords = []struct {
	words string
	mask  ctxMask
}{
	{"phone|telephone|tel|mobile|mobile no|cell|cellphone|mob|whatsapp|zalo|viber|hotline|contact number|call|my number|new number|contact me|contact on|call me|reach me|otp|sms|tổng đài|sđt|sdt|số điện thoại|điện thoại|đt|đtdđ|di động|dđ|telefon|téléphone|telefone|celular|handy|portable|phone no|fax|liên hệ|gọi cho|gọi số|gọi cho tôi số|nhắn tin|để lại số|số của tôi|số mới", ctxPhone},
	{"card|credit card|debit card|card number|card no|visa|mastercard|maestro|amex|discover|jcb|unionpay|rupay|số thẻ|thẻ tín dụng|thẻ ghi nợ|kreditkarte|carte|cartão|cc", ctxCard},
	{"iban|bank account|account|account number|acct|bank|stk|số tk|tài khoản|số tài khoản|ngân hàng|konto|kontonummer|rib|bic|swift", ctxBank},
	{"ssn|social security|social security number|social security no|ss no", ctxSSN},
	{"cccd|căn cước|căn cước công dân|thẻ căn cước|citizen id|citizen identity|số định danh|định danh|định danh cá nhân|cmnd cccd|cccd cmnd", ctxCCCD},
	{"cmnd|chứng minh|chứng minh nhân dân|cmt|giấy cmnd", ctxCMND},
	{"id number|id no|national id|identity card|identity number|id card|giấy tờ|số giấy tờ|personal id|nid|identification", ctxIDGeneric},
	{"aadhaar|aadhar|adhaar|aadhaar no|aadhaar number|uid|uidai|uid no", ctxAadhaar},
	{"pan|pan no|pan number|pan card|permanent account number|income tax", ctxPAN},
	{"passport|passport no|passport number|hộ chiếu|số hộ chiếu|reisepass|passeport|passaporte|pasaporte", ctxPassport},
	{"dob|d o b|ns|date of birth|birth|birthday|birthdate|birth date|born|ngày sinh|sinh ngày|năm sinh|sinh năm|sinh nhật|ngày tháng năm sinh|geburtsdatum|geboren|date de naissance|né le|née le|data de nascimento|nascimento|nascido|fecha de nacimiento", ctxDOB},
	{"ip|ip address|ipv4|ipv6|ip addr|client ip|remote ip|remote addr|remote address|source ip|src ip|dst ip|địa chỉ ip", ctxIP},
	{"email|e mail|mail|email address|thư điện tử|courriel", ctxEmail},
	{"name|full name|fullname|customer name|contact name|client name|holder name|cardholder|account holder|họ tên|họ và tên|tên khách hàng|người liên hệ|tên người|contact person|mr|mrs|ms|miss|nome|nom|vorname|nachname", ctxName},
	{"first name|firstname|given name|forename|vorname|prénom", ctxName | ctxFirstName},
	{"last name|lastname|surname|family name|nachname|nom de famille|sobrenome", ctxName | ctxLastName},
	{"address|addr|street|street address|home address|shipping address|billing address|delivery address|mailing address|postal address|residence|residential address|địa chỉ|số nhà|chỗ ở|nơi ở|thường trú|tạm trú|địa chỉ thường trú|adresse|anschrift|straße|endereço|dirección|ship to|deliver to|send to|giao đến|giao tới|giao hàng đến|nơi giao|nơi giao hàng|nơi nhận|nơi nhận hàng|địa điểm giao|địa điểm giao hàng|delivery location|gửi đến|gửi tới|house no|h no|plot no|flat no|lives at|living at|live at|resides at|residing at|nhà ở|sống tại|sống ở|ở tại|nhà tại|cư trú tại|đang ở|đang sống tại", ctxAddress},
	{"company|company name|công ty|tên công ty|product|product name|sản phẩm|tên sản phẩm|file|file name|filename|user name|username|user|login|host|hostname|host name|domain|brand|org|organization|organisation|store|shop|cửa hàng|bank name|branch|city|country|category|project|item|nickname|app|application|device|server|tên miền|team|department|phòng ban|tên đăng nhập", ctxNotPerson},
	{"order|order no|order id|invoice|invoice no|hóa đơn|số hóa đơn|đơn hàng|mã đơn|đơn|mã đơn hàng|sku|product code|mã sp|mã sản phẩm|mã hàng|tracking|tracking no|ref|reference|transaction|txn|mã giao dịch|serial|serial no|model|part no|part number|part numbers|qty|quantity|amount|price|total|số tiền|tổng|ticket|batch|po|receipt|biên lai|mã vận đơn|vận đơn|isbn|ean|upc|barcode|consignment|awb|parcel|code|mã số|mã khách hàng|mã kh|customer id|customer code|mã số thuế|tax code|mã|mã nv|mã nhân viên|employee id|employee no|staff id|emp id|cust id|customer no|hồ sơ|số hồ sơ|tham chiếu|mã tham chiếu|bhxh|mã bhxh|số bhxh", ctxNegID},
	{"version|ver|v|phiên bản|build|release|firmware|kernel|driver|sdk|patch|app|update|updating|upgrade|install|installed|cài bản|cài đặt|cập nhật|rev|revision|chapter|section|mục|điều|khoản", ctxVersion},
	{"url|website|web|link|homepage|mac|mac address|wallet|wallet address|địa chỉ web|trang web", ctxURL},
}

// ctxNegative are the kinds that count only as the nearest label.
const ctxNegative = ctxNegID | ctxVersion
