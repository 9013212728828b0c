package console

// Vietnamese for the descriptions of the built-in roles and purposes
// (shown through Locale.Known).
func init() {
	addVI(map[string]string{
		"Manages schema, people, roles, purposes, tokens, keys and alerts; reads no personal data.": "Quản lý lược đồ, người dùng, vai trò, mục đích, token, khóa và cảnh báo; không đọc dữ liệu cá nhân.",
		"Data protection officer: all personal data, erasure, audit log, consent evidence.":         "Cán bộ bảo vệ dữ liệu: toàn bộ dữ liệu cá nhân, xóa dữ liệu, nhật ký kiểm toán, bằng chứng đồng ý.",
		"Contact details and names; no financial data or government identifiers.":                   "Thông tin liên hệ và họ tên; không có dữ liệu tài chính hay giấy tờ tùy thân.",
		"Customer data for support, with phones, government identifiers and financial data masked.": "Dữ liệu khách hàng để hỗ trợ, với số điện thoại, giấy tờ tùy thân và dữ liệu tài chính được che.",
		"Names and e-mail addresses for marketing; phone numbers masked.":                           "Họ tên và địa chỉ e-mail cho tiếp thị; số điện thoại được che.",
		"Audit log, alerts, consent evidence and schema; no personal data.":                         "Nhật ký kiểm toán, cảnh báo, bằng chứng đồng ý và lược đồ; không có dữ liệu cá nhân.",
		"Answering the customer's own requests and providing the contracted service.":               "Giải đáp yêu cầu của chính khách hàng và cung cấp dịch vụ theo hợp đồng.",
		"Sending offers and news to customers who agreed to receive them.":                          "Gửi ưu đãi và tin tức cho khách hàng đã đồng ý nhận.",
		"Following up with prospects and customers about purchases.":                                "Liên hệ lại với khách hàng tiềm năng và khách hàng về việc mua hàng.",
		"Invoicing and payments under the customer's contract.":                                     "Lập hóa đơn và thanh toán theo hợp đồng của khách hàng.",
		"Aggregate analysis of how the service is used.":                                            "Phân tích tổng hợp cách dịch vụ được sử dụng.",
		"Meeting legal and regulatory obligations, such as tax records and lawful requests.":        "Đáp ứng nghĩa vụ pháp lý và quy định, như hồ sơ thuế và yêu cầu hợp pháp.",
	})
}
