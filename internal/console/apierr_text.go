package console

// viProblems are Vietnamese sentences for the API's problem codes the
// console's forms most often meet. The API's own detail is English (it
// is for integrators and logs); Locale.Problem shows one of these in its
// place, or, for a code without one, says in Vietnamese that the server
// refused and keeps the English detail beside the code.
var viProblems = map[string]string{
	"invalid_value":                "Giá trị không hợp lệ với kiểu của trường.",
	"invalid_email":                "Địa chỉ e-mail không hợp lệ.",
	"invalid_national_id":          "Số giấy tờ tùy thân không hợp lệ.",
	"required_field":               "Thiếu một trường bắt buộc.",
	"unknown_field":                "Có trường không được khai báo trong tập dữ liệu.",
	"duplicate_value":              "Giá trị này đã thuộc về một hồ sơ khác (trường yêu cầu giá trị duy nhất).",
	"empty_record":                 "Hồ sơ không có giá trị nào.",
	"purpose_required":             "Hãy nêu mục đích của thao tác.",
	"unknown_purpose":              "Mục đích này chưa được đăng ký.",
	"purpose_not_declared":         "Tập dữ liệu không khai báo mục đích này cho các trường của nó.",
	"purpose_not_allowed":          "Vai trò của bạn không được dùng mục đích này.",
	"no_consent":                   "Mục đích này dựa trên sự đồng ý và người này chưa đồng ý (hoặc đã rút lại): không thể xử lý dữ liệu cho mục đích đó.",
	"restricted":                   "Việc xử lý dữ liệu của người này đang bị hạn chế cho mục đích này.",
	"objected":                     "Người này đã phản đối việc xử lý cho mục đích này.",
	"legal_hold":                   "Dữ liệu đang bị lưu giữ theo yêu cầu pháp lý (legal hold): không thể xóa.",
	"offboarding_open":             "Việc rà soát nghỉ việc của người này đang mở: hãy đóng nó trước khi kích hoạt lại tài khoản.",
	"reason_required":              "Hãy ghi lý do (1 đến 2.000 ký tự).",
	"personal_data_in_text":        "Văn bản này chứa dữ liệu định danh của khách hàng (e-mail, số điện thoại, số thẻ, số giấy tờ): văn bản tự do không được mã hoá và còn lại sau khi xoá dữ liệu. Hãy ghi mã chủ thể hoặc mã yêu cầu thay vào đó.",
	"invalid_transition":           "Yêu cầu ở trạng thái hiện tại không thể chuyển sang trạng thái đó.",
	"not_executed":                 "Hãy thực hiện yêu cầu trước khi hoàn tất.",
	"tasks_open":                   "Còn nhiệm vụ chưa đóng: đóng hoặc giải trình từng nhiệm vụ trước khi hoàn tất.",
	"not_in_progress":              "Yêu cầu chỉ được thực hiện khi đang xử lý: xác minh danh tính hoặc tiếp tục yêu cầu trước.",
	"identity_unverified":          "Yêu cầu đã được gia hạn trước khi xác minh danh tính: hãy đánh dấu đã xác minh danh tính trước khi thực hiện.",
	"already_executed":             "Yêu cầu này đã được thực hiện.",
	"extension_not_allowed":        "Quy định không cho phép gia hạn thêm yêu cầu này.",
	"extension_too_late":           "Đã quá hạn thông báo gia hạn cho người yêu cầu.",
	"duplicate_request":            "Đã có một yêu cầu cùng loại đang mở cho người này.",
	"evidence_required":            "Hãy ghi bằng chứng.",
	"evidence_too_long":            "Bằng chứng dài quá 5.000 ký tự.",
	"four_eyes":                    "Một người khác phải quyết định: người đã yêu cầu không được tự phê duyệt, dù qua phiên hay token nào.",
	"weak_password":                "Mật khẩu quá yếu: hãy dùng một mật khẩu dài hơn, khó đoán hơn.",
	"password_is_email":            "Mật khẩu không được trùng với địa chỉ e-mail.",
	"password_unchanged":           "Mật khẩu mới trùng với mật khẩu hiện tại: hãy chọn mật khẩu khác.",
	"password_fields_required":     "Hãy nhập mật khẩu hiện tại và mật khẩu mới.",
	"wrong_password":               "Mật khẩu hiện tại không đúng.",
	"own_password":                 "Bạn không thể tự đặt lại mật khẩu của chính mình ở đây: hãy đổi mật khẩu ở trang tài khoản, với mật khẩu hiện tại.",
	"user_exists":                  "Đã có người dùng với địa chỉ e-mail này.",
	"invalid_credentials":          "E-mail, mật khẩu hoặc mã xác thực không đúng.",
	"mfa_code_invalid":             "Mã xác thực không đúng.",
	"mfa_code_replayed":            "Mã xác thực này đã được dùng; hãy đợi mã tiếp theo.",
	"mfa_code_required":            "Hãy nhập mã xác thực từ ứng dụng của bạn.",
	"invalid_role":                 "Vai trò không hợp lệ.",
	"unknown_role":                 "Vai trò này không tồn tại.",
	"role_exists":                  "Đã có vai trò với tên này.",
	"token_exists":                 "Đã có token với tên này.",
	"purpose_exists":               "Đã có mục đích với tên này.",
	"version_conflict":             "Dữ liệu vừa được người khác thay đổi: hãy tải lại trang rồi thử lại.",
	"state_changed":                "Trạng thái vừa thay đổi: hãy tải lại trang rồi thử lại.",
	"invalid_date":                 "Ngày không hợp lệ.",
	"invalid_channel":              "Kênh không hợp lệ.",
	"unknown_jurisdiction":         "Khu vực pháp lý này không được hỗ trợ.",
	"system_exists":                "Đã có hệ thống với tên này.",
	"system_in_use":                "Hệ thống đang được dùng ở nơi khác nên không thể xóa.",
	"processor_exists":             "Đã có bên xử lý này.",
	"processor_in_use":             "Bên xử lý đang được dùng ở nơi khác nên không thể xóa.",
	"unknown_country":              "Mã quốc gia không hợp lệ: hãy dùng mã ISO 3166-1 hai chữ cái, ví dụ VN hoặc SG.",
	"task_closed":                  "Nhiệm vụ này đã đóng.",
	"clock_closed":                 "Đồng hồ thời hạn này đã đóng.",
	"body_too_large":               "Nội dung gửi lên quá lớn.",
	"rate_limited":                 "Quá nhiều yêu cầu: hãy đợi một chút rồi thử lại.",
	"too_many_failed_logins":       "Quá nhiều lần đăng nhập sai: hãy đợi một lúc rồi thử lại.",
	"rotation_in_progress":         "Đang xoay vòng khóa: hãy đợi hoàn tất.",
	"import_running":               "Một lượt nhập dữ liệu khác đang chạy.",
	"field_not_writable":           "Vai trò của bạn không được ghi trường này.",
	"field_not_readable":           "Vai trò của bạn không được đọc trường này.",
	"collection_not_allowed":       "Token hoặc vai trò của bạn không được dùng tập dữ liệu này.",
	"consent_out_of_order":         "Sự kiện đồng ý này có thời điểm sớm hơn một sự kiện đã ghi.",
	"no_active_consent":            "Người này không có sự đồng ý nào đang hiệu lực cho mục đích đó.",
	"conflicting_purposes":         "Các mục đích mâu thuẫn nhau.",
	"legal_basis_mismatch":         "Cơ sở pháp lý không khớp với mục đích.",
	"purpose_not_allowed_for_role": "Vai trò của bạn không được dùng mục đích này.",
	"invalid_notice_version":       "Phiên bản thông báo không hợp lệ.",
	"invalid_lookup":               "Thông tin tra cứu người này không hợp lệ.",
	"invalid_phone":                "Số điện thoại không hợp lệ.",
	"unknown_category":             "Loại dữ liệu này không có trong danh mục: hãy dùng mã của danh mục, ví dụ user.contact.email hoặc user.name.",
	"invalid_dpa_expires_at":       "Ngày hết hạn của thỏa thuận xử lý dữ liệu không hợp lệ.",
	"window_in_future":             "Khoảng thời gian không được nằm trong tương lai.",
	"aware_before_detected":        "Thời điểm biết sự cố không được sớm hơn thời điểm phát hiện.",
	"detected_at_in_future":        "Thời điểm phát hiện không được nằm trong tương lai.",
	"sent_at_in_future":            "Thời điểm gửi không được nằm trong tương lai.",
	"invalid_expiry":               "Ngày hết hạn không hợp lệ.",
	"unknown_collection":           "Không có tập dữ liệu với tên này.",
	"invalid_rate_limit":           "Giới hạn số yêu cầu mỗi giây không hợp lệ.",
	"anchor_field_required":        "Hãy chọn trường chứa ngày làm mốc cho quy tắc này.",
	"invalid_hold":                 "Lệnh lưu giữ áp dụng cho đúng một người hoặc đúng một tập dữ liệu: hãy ghi một trong hai, không để trống cả hai và không ghi cả hai.",
	"invalid_time":                 "Thời điểm không hợp lệ.",
	"password_required":            "Xác thực hai yếu tố đang bật: hãy nhập mật khẩu hiện tại của bạn (đúng mật khẩu) để đăng ký ứng dụng xác thực khác.",
	"last_administrator":           "Thao tác này sẽ không còn ai quản trị được hệ thống: hãy tạo một quản trị viên khác trước.",
	"retention_running":            "Một lượt áp dụng quy tắc lưu giữ khác đang chạy: hãy thử lại khi lượt đó xong.",
	"duplicate_member":             "Nội dung gửi lên có một trường bị lặp lại.",
	"unreadable_file":              "Không đọc được tệp dưới dạng CSV, TSV hoặc XLSX.",
}

// Problem is the text of an API problem in the locale: the API's English
// detail in English; in Vietnamese a sentence for the code, or a
// Vietnamese lead-in with the code and the English detail.
func (l *Locale) Problem(code, detail string) string {
	if l.Code != "vi" {
		return detail
	}
	if s, ok := viProblems[code]; ok {
		return s
	}
	if code == "" {
		return l.T("The request could not be completed.") + " " + detail
	}
	return l.T("The server refused this (%s): %s", code, detail)
}

// viAlerts are Vietnamese sentences for the alerts' (and processor
// problems') kinds; the server's messages are English.
var viAlerts = map[string]string{
	"brute_force_account":    "Nhiều lần đăng nhập sai vào một tài khoản; các lần thử tiếp theo bị từ chối trong một thời gian.",
	"brute_force_address":    "Nhiều lần đăng nhập hoặc xác thực sai từ một địa chỉ; các yêu cầu từ địa chỉ đó bị từ chối trong một thời gian.",
	"bulk_read":              "Một token hoặc người dùng đã đọc dữ liệu của nhiều người hơn ngưỡng cho phép trong khoảng thời gian theo dõi.",
	"rate_limited":           "Một token hoặc người dùng liên tục gọi vượt quá giới hạn tần suất.",
	"lookup_misses":          "Một token hoặc người dùng đã tra cứu nhiều e-mail, số điện thoại hoặc số giấy tờ không khớp với ai: dấu hiệu dò đoán xem số nào là của khách hàng.",
	"audit_chain_broken":     "Đầu chuỗi nhật ký kiểm toán không có dấu niêm phong hợp lệ: các mục sau nó có thể đã bị xóa; việc này đã được ghi vào chuỗi.",
	"request_overdue":        "Một yêu cầu của chủ thể dữ liệu đã quá hạn luật định.",
	"request_unacknowledged": "Chưa xác nhận đã nhận một yêu cầu của chủ thể dữ liệu trong thời hạn luật định.",
	"dpa_missing":            "Dữ liệu cá nhân được chuyển đến bên xử lý này mà không có DPA đã ký.",
	"dpa_expired":            "Dữ liệu cá nhân được chuyển đến bên xử lý này trong khi DPA đã hết hạn.",
	"dpa_expiring":           "DPA sẽ hết hạn trong vòng 30 ngày.",
	"incident_clock":         "Sắp đến hoặc đã quá thời hạn thông báo vi phạm dữ liệu cá nhân.",
}

// AlertText is an alert's (or a processor problem's) message in the
// locale: the server's English message, or a Vietnamese sentence for its
// kind.
func (l *Locale) AlertText(kind, message string) string {
	if s, ok := viAlerts[kind]; ok && l.Code == "vi" {
		return s
	}
	return message
}

// Known translates a text only when the catalog holds it word for word
// (the built-in roles' and purposes' descriptions); any other text, such
// as a description a person wrote, is shown as it is and never read as a
// format.
func (l *Locale) Known(text string) string {
	if l.Code == "vi" {
		if vi, ok := viMessages[text]; ok {
			return vi
		}
	}
	return text
}
