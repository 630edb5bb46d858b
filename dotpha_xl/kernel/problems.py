"""Problems found in a user's data: values, never exceptions.

Every problem has a stable ``code`` (tests and outside tools match on it), a location (file, sheet,
cell in A1 notation, or a node key of the plan tree), the value found, and a Vietnamese message and
hint taken from the catalogue below.  Severity is ``error`` (the file cannot be used as it is) or
``warning`` (the file is used, but somebody should look).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

ERROR = "error"
WARNING = "warning"

# code -> (severity, message template, hint template).  Templates use str.format fields.
CATALOGUE: dict[str, tuple[str, str, str]] = {
    # --- plan tree structure (domain) ---
    "weight_out_of_range": (
        ERROR,
        "Tỷ trọng của {node} là {value}, nằm ngoài khoảng 0–100%.",
        "Nhập một tỷ lệ từ 0% đến 100%.",
    ),
    "weight_sum_not_100": (
        ERROR,
        "Các mục con của {node} cộng lại được {value}%, chưa bằng 100%.",
        "Sửa tỷ trọng các mục con ngay bên dưới để tổng đúng 100%.",
    ),
    "weight_missing": (
        ERROR,
        "{node}: chưa có tỷ trọng.",
        "Nhập tỷ trọng (%) của mục này so với mục cha.",
    ),
    "node_without_items": (
        ERROR,
        "{node}: có tỷ trọng {value}% nhưng không có nội dung công việc nào bên dưới.",
        "Kê ít nhất một nội dung công việc, hoặc đặt tỷ trọng của mục này bằng 0%.",
    ),
    "item_without_content": (
        ERROR,
        "{node}: có tỷ trọng nhưng chưa ghi nội dung.",
        "Ghi nội dung công việc phải thực hiện, hoặc xoá tỷ trọng nếu dòng này không dùng.",
    ),
    "unknown_key": (
        ERROR,
        "Một dòng mang mã ẩn '{value}' không thuộc cấu trúc của kế hoạch.",
        "Không sửa cột ẩn ở bên trái biểu mẫu; nếu đã lỡ sửa, tải lại biểu mẫu và nhập lại.",
    ),
    "duplicate_key": (
        ERROR,
        "Dòng của {node} xuất hiện nhiều lần (dòng đã bị sao chép).",
        "Xoá dòng sao chép thừa; cần thêm dòng thì dùng lệnh Chèn dòng (Insert row).",
    ),
    # --- cell values ---
    "percent_unreadable": (
        ERROR,
        "Không đọc được tỷ lệ phần trăm: '{value}'.",
        "Nhập một số phần trăm, ví dụ 25% hoặc 25,5%.",
    ),
    "completion_out_of_range": (
        ERROR,
        "Mức độ hoàn thành {value} nằm ngoài khoảng 0–100%.",
        "Nhập mức độ hoàn thành từ 0% đến 100%.",
    ),
    "completion_missing": (
        WARNING,
        "{node}: chưa nhập mức độ hoàn thành.",
        "Nội dung này đến hạn trong kỳ báo cáo; đang được tính là 0%. Chưa làm thì ghi 0%.",
    ),
    # --- a period task's earlier years in a later year's report (docs/regulation.md, R32) ---
    "carried_changed": (
        ERROR,
        "{node}: kết quả năm trước đã khoá (lấy từ báo cáo năm {expected}) bị sửa thành '{value}'.",
        "Không sửa các ô nền xám của các năm trước; tải lại biểu mẫu và nhập lại phần năm nay.",
    ),
    "earlier_years_not_carried": (
        WARNING,
        "{node} ({value}): kết quả các năm trước không lấy từ báo cáo năm trước, do cán bộ tự ghi "
        "và chưa được đối chiếu.",
        "Tạo lại biểu báo cáo kèm báo cáo năm của năm trước để các năm trước được điền sẵn và "
        "khoá; nếu không có, kiểm tra kết quả các năm trước với báo cáo đã gửi.",
    ),
    "previous_report_other_period": (
        WARNING,
        "Báo cáo kỳ {value} không dùng để điền sẵn báo cáo kỳ {expected}.",
        "Chỉ dùng báo cáo trước đó của cùng năm, hoặc báo cáo năm của năm liền trước.",
    ),
    "previous_plan_differs": (
        WARNING,
        "{node}: kế hoạch các năm trước khác với kế hoạch trong báo cáo năm {expected}; kết quả "
        "năm trước không được điền sẵn.",
        "Kế hoạch năm nay phải giữ nguyên các năm trước như kế hoạch đã gửi; nếu không, cán bộ tự "
        "ghi kết quả các năm trước.",
    ),
    "rating_unreadable": (
        ERROR,
        "Không hiểu mức tự xếp loại '{value}'.",
        "Chọn một trong: HTXS, HTT, HT, KHT.",
    ),
    "force_majeure_without_reason": (
        ERROR,
        "{node}: được đánh dấu bất khả kháng nhưng chưa ghi lý do.",
        "Ghi rõ lý do bất khả kháng ở cột bên cạnh.",
    ),
    "force_majeure_unreadable": (
        ERROR,
        "Không hiểu đánh dấu bất khả kháng '{value}'.",
        "Để trống, hoặc chọn 'x' nếu nội dung này gặp trường hợp bất khả kháng.",
    ),
    # --- files and forms ---
    "file_unreadable": (
        ERROR,
        "Không mở được tệp: {value}.",
        "Lưu lại tệp dưới dạng Excel (.xlsx) rồi gửi lại.",
    ),
    # --- opening a returned file safely (dotpha_xl.xlsx.safe_open) ---
    "file_missing": (
        ERROR,
        "Không tìm thấy tệp '{value}'.",
        "Kiểm tra lại đường dẫn và tên tệp.",
    ),
    "file_too_large": (
        ERROR,
        "Tệp quá lớn ({value}; tối đa {expected}).",
        "Xoá các trang, hình ảnh hoặc dữ liệu không cần thiết, lưu lại rồi gửi lại.",
    ),
    "file_not_workbook": (
        ERROR,
        "Tệp không phải là bảng tính Excel.",
        "Mở tệp bằng Excel, chọn Lưu thành (Save As) kiểu Sổ làm việc Excel (.xlsx) rồi gửi lại.",
    ),
    "file_corrupt": (
        ERROR,
        "Tệp bị hỏng hoặc không đầy đủ nên không đọc được ({value}).",
        "Mở tệp bằng Excel để kiểm tra, lưu lại dưới dạng .xlsx rồi gửi lại bản đầy đủ.",
    ),
    "file_old_xls": (
        ERROR,
        "Tệp là bảng tính Excel định dạng cũ (.xls), hệ thống không đọc định dạng này.",
        "Mở tệp bằng Excel, chọn Tệp › Lưu thành (File › Save As), chọn kiểu "
        "Sổ làm việc Excel (.xlsx) rồi gửi lại tệp .xlsx.",
    ),
    "file_password": (
        ERROR,
        "Không đọc được vì tệp được đặt mật khẩu.",
        "Gỡ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hoá bằng mật khẩu, "
        "xoá trống mật khẩu), lưu lại rồi gửi lại.",
    ),
    "zip_too_many_entries": (
        ERROR,
        "Tệp có quá nhiều thành phần bên trong ({value}; tối đa {expected}), không an toàn để đọc.",
        "Tạo tệp mới từ biểu mẫu gốc, chép dữ liệu sang rồi gửi lại.",
    ),
    "zip_too_large": (
        ERROR,
        "Dữ liệu trong tệp sau khi giải nén quá lớn ({value}; tối đa {expected}).",
        "Xoá các trang, hình ảnh hoặc dữ liệu không cần thiết, lưu lại rồi gửi lại.",
    ),
    "zip_bomb": (
        ERROR,
        "Thành phần '{field}' của tệp có tỷ lệ nén bất thường ({value} lần); "
        "tệp có thể độc hại nên không được mở.",
        "Không gửi lại tệp này; tạo tệp mới từ biểu mẫu gốc, chép dữ liệu sang rồi gửi lại.",
    ),
    "xml_entities": (
        ERROR,
        "Thành phần '{value}' của tệp có khai báo lạ (thực thể XML); "
        "tệp có thể độc hại nên không được mở.",
        "Không gửi lại tệp này; tạo tệp mới từ biểu mẫu gốc, chép dữ liệu sang rồi gửi lại.",
    ),
    "file_macro": (
        WARNING,
        "Tệp có macro (.xlsm): chỉ đọc giá trị, không chạy macro.",
        "Nên lưu lại dưới dạng Sổ làm việc Excel (.xlsx), không có macro, trước khi gửi.",
    ),
    "legacy_encoding_tcvn3": (
        WARNING,
        "Văn bản '{value}' được gõ bằng bảng mã TCVN3 (phông .Vn...); {detail}",
        "Gõ lại bằng bảng mã Unicode (bộ gõ Unikey/EVKey, chọn bảng mã Unicode).",
    ),
    "legacy_encoding_vni": (
        WARNING,
        "Văn bản '{value}' được gõ bằng bảng mã VNI (phông VNI-...); {detail}",
        "Gõ lại bằng bảng mã Unicode (bộ gõ Unikey/EVKey, chọn bảng mã Unicode).",
    ),
    "form_sheet_missing": (
        ERROR,
        "Không tìm thấy trang biểu mẫu '{value}'.",
        "Dùng đúng biểu mẫu do hệ thống tạo; không đổi tên hoặc xoá trang.",
    ),
    "meta_missing": (
        ERROR,
        "Tệp không có trang thông tin ẩn của biểu mẫu (tệp không do hệ thống tạo ra).",
        "Dùng đúng biểu mẫu do hệ thống tạo ra cho đồng chí.",
    ),
    "key_row_missing": (
        ERROR,
        "Không tìm thấy dòng khoá ẩn của biểu mẫu.",
        "Không xoá các dòng ẩn; tải lại biểu mẫu nếu cần.",
    ),
    "wrong_form": (
        ERROR,
        "Tệp là biểu mẫu '{value}', không phải biểu mẫu '{expected}'.",
        "Gửi đúng loại biểu mẫu.",
    ),
    "form_version_unsupported": (
        ERROR,
        "Biểu mẫu phiên bản {value} không còn được hỗ trợ.",
        "Dùng biểu mẫu phiên bản {expected}.",
    ),
    "meta_mismatch": (
        ERROR,
        "Thông tin '{field}' của tệp là '{value}', không khớp với '{expected}'.",
        "Dùng đúng biểu mẫu do hệ thống tạo ra cho đồng chí và cho năm này.",
    ),
    "prefilled_changed": (
        ERROR,
        "Nội dung in sẵn của biểu mẫu đã bị sửa.",
        "Không sửa các ô bị khoá (tên việc, cấu trúc quý, tháng); tải lại biểu mẫu nếu cần.",
    ),
    "meta_tampered": (
        ERROR,
        "Trang thông tin ẩn của biểu mẫu đã bị sửa hoặc bị hỏng.",
        "Không sửa các trang ẩn; tải lại biểu mẫu do hệ thống tạo và nhập lại.",
    ),
    "row_deleted": (
        ERROR,
        "Dòng của {node} đã bị xoá khỏi biểu mẫu.",
        "Không xoá các dòng in sẵn (việc, năm, quý, tháng); đặt tỷ trọng 0% nếu không dùng.",
    ),
    "row_outside_month": (
        ERROR,
        "Dòng chèn thêm không nằm dưới một tháng nào nên không xác định được thuộc mục nào.",
        "Chèn dòng nội dung công việc ngay dưới dòng tháng tương ứng.",
    ),
    "plan_note_missing": (
        ERROR,
        "{node}: kế hoạch chưa ghi {field}.",
        "Điều 4.4 a của Quy định: kế hoạch phải có mục tiêu chung, mục tiêu cụ thể, giải pháp và "
        "lộ trình thực hiện; ghi vào ô nền vàng của dòng này.",
    ),
    "carried_plan_changed": (
        ERROR,
        "{node}: thuộc kế hoạch năm {expected} đã nộp nên không được sửa (ô đang ghi '{value}').",
        "Trả lại đúng nội dung, sản phẩm và tỷ trọng như kế hoạch năm {expected} (dòng nền xám); "
        "cần điều chỉnh việc theo giai đoạn thì đề xuất qua bản đăng ký.",
    ),
    "carried_row_deleted": (
        ERROR,
        "Dòng của {node} (thuộc kế hoạch năm {expected} đã nộp) đã bị xoá khỏi kế hoạch.",
        "Tải lại biểu mẫu: các năm trước của việc theo giai đoạn được giữ nguyên như kế hoạch "
        "năm {expected}.",
    ),
    "carried_row_added": (
        ERROR,
        "Dòng '{value}' được thêm vào năm đã lập trong kế hoạch năm {expected} ({node}).",
        "Không thêm dòng vào các năm trước (nền xám); kê nội dung công việc vào năm đang lập kế "
        "hoạch.",
    ),
    "plan_tasks_left_out": (
        ERROR,
        "Cán bộ có nhiều kế hoạch năm nay; biểu báo cáo được tạo theo kế hoạch mới nhất "
        "'{expected}', không có việc {detail} của kế hoạch '{value}'.",
        "Mỗi cán bộ báo cáo theo một kế hoạch: gộp các việc (kể cả việc tiếp nhận của người tiền "
        "nhiệm) vào một kế hoạch, kiểm tra lại rồi tạo lại biểu báo cáo.",
    ),
    "previous_report_invalid": (
        ERROR,
        "Báo cáo kỳ trước '{value}' không đọc được hoặc còn lỗi nên không dùng để điền sẵn biểu "
        "báo cáo.",
        "Biểu báo cáo của cán bộ vẫn được tạo; các năm trước của việc theo giai đoạn (nếu có) để "
        "cán bộ tự ghi. Sửa báo cáo kỳ trước theo các lỗi đã nêu rồi tạo lại biểu nếu muốn điền "
        "sẵn và khoá.",
    ),
    "previous_plan_invalid": (
        ERROR,
        "Kế hoạch năm trước '{value}' không đọc được hoặc còn lỗi nên không chép được các năm "
        "đã lập của việc theo giai đoạn.",
        "Cán bộ vẫn được tạo biểu mẫu với toàn bộ giai đoạn để trống; sửa kế hoạch năm trước "
        "rồi tạo lại biểu mẫu nếu muốn giữ các năm đã lập.",
    ),
    "previous_plan_wrong_year": (
        ERROR,
        "Tệp '{value}' là kế hoạch năm {detail}, không phải kế hoạch năm {expected}; tệp này "
        "không được dùng.",
        "Chỉ đưa vào thư mục kế hoạch năm trước các kế hoạch của năm {expected}.",
    ),
    "previous_plans_not_given": (
        WARNING,
        "{node} đã thực hiện từ năm {expected} nhưng chưa có kế hoạch năm trước để chép các năm "
        "đã lập; biểu mẫu của cán bộ {value} để trống toàn bộ giai đoạn.",
        "Tạo lại biểu mẫu với thư mục kế hoạch năm trước (tuỳ chọn --previous-plans) để các năm "
        "đã lập được giữ nguyên; nếu không, cán bộ phải lập lại các năm trước.",
    ),
    "previous_plan_missing": (
        WARNING,
        "Không có kế hoạch năm {expected} hợp lệ của cán bộ {value} (hoặc người tiền nhiệm) "
        "cho {node}; các năm trước của giai đoạn để trống.",
        "Cán bộ lập lại các năm trước của giai đoạn trong biểu mẫu này; hoặc bổ sung kế hoạch "
        "năm {expected} rồi tạo lại biểu mẫu.",
    ),
    "previous_task_missing": (
        WARNING,
        "Kế hoạch năm {expected} của cán bộ {value} không có {node} (cùng tên hoặc cùng số và "
        "cùng giai đoạn); các năm trước của giai đoạn để trống.",
        "Kiểm tra danh sách giao việc và kế hoạch năm trước; cán bộ lập lại các năm trước.",
    ),
    "stray_value": (
        WARNING,
        "Ô có giá trị '{value}' ở vị trí không thuộc biểu mẫu; giá trị này không được đọc.",
        "Xoá giá trị này hoặc ghi vào đúng cột của biểu mẫu.",
    ),
    "plan_invalid": (
        ERROR,
        "Kế hoạch '{value}' còn lỗi nên chưa lập được biểu báo cáo.",
        "Sửa kế hoạch theo các lỗi đã chỉ ra trong bản kiểm tra rồi tạo lại biểu báo cáo.",
    ),
    "cadre_not_on_roster": (
        ERROR,
        "Cán bộ '{value}' không có trong danh sách cán bộ.",
        "Kiểm tra mã cán bộ.",
    ),
    # --- input tables (roster, assignments) ---
    "column_missing": (
        ERROR,
        "Thiếu cột bắt buộc '{value}'.",
        "Thêm cột với tiêu đề '{expected}' ở dòng đầu tiên.",
    ),
    "value_missing": (
        ERROR,
        "Ô bắt buộc '{field}' đang để trống.",
        "Nhập giá trị cho ô này.",
    ),
    "duplicate_id": (
        ERROR,
        "Mã '{value}' bị trùng (đã có ở dòng {expected}).",
        "Mỗi cán bộ có một mã riêng.",
    ),
    "unknown_body": (
        ERROR,
        "Mã cơ quan thẩm định '{value}' không có trong cấu hình.",
        "Dùng một trong các mã: {expected}.",
    ),
    "unknown_section": (
        ERROR,
        "Loại việc '{value}' không đúng.",
        "Ghi A (việc theo năm) hoặc B (việc theo giai đoạn).",
    ),
    "bad_integer": (
        ERROR,
        "Giá trị '{value}' ở cột '{field}' không phải là số nguyên.",
        "Nhập một số nguyên, ví dụ 2027.",
    ),
    "bad_date": (
        ERROR,
        "Giá trị '{value}' ở cột '{field}' không phải là ngày hợp lệ.",
        "Nhập ngày dạng dd/mm/yyyy.",
    ),
    "bad_period_length": (
        ERROR,
        "Việc theo giai đoạn kéo dài {value} năm; chỉ được {expected} năm.",
        "Sửa năm bắt đầu hoặc năm kết thúc.",
    ),
    "annual_task_spans_years": (
        ERROR,
        "Việc theo năm phải bắt đầu và kết thúc trong cùng một năm (đang là {value}).",
        "Đặt năm kết thúc bằng năm bắt đầu, hoặc chuyển sang việc theo giai đoạn (B).",
    ),
    "duplicate_task": (
        ERROR,
        "Việc {value} của cán bộ này bị trùng.",
        "Mỗi việc của một cán bộ có một số thứ tự riêng trong từng loại (A, B).",
    ),
    "table_empty": (
        ERROR,
        "Trang '{value}' không có dữ liệu (không có dòng tiêu đề).",
        "Dòng đầu tiên có nội dung phải là dòng tiêu đề cột, các dòng sau là dữ liệu.",
    ),
    "table_without_rows": (
        WARNING,
        "Trang '{value}' chỉ có dòng tiêu đề, chưa có dòng dữ liệu nào.",
        "Nhập dữ liệu từ dòng ngay dưới dòng tiêu đề.",
    ),
    "duplicate_column": (
        WARNING,
        "Cột '{value}' xuất hiện nhiều lần; chỉ dùng cột đầu tiên (ở ô {expected}).",
        "Xoá hoặc đổi tên cột thừa.",
    ),
    "unknown_status": (
        ERROR,
        "Trạng thái '{value}' không đúng.",
        "Để trống hoặc ghi một trong: {expected}.",
    ),
    "bad_flag": (
        ERROR,
        "Giá trị '{value}' ở cột '{field}' không rõ là có hay không.",
        "Để trống (không) hoặc ghi 'x' / 'có'.",
    ),
    "bad_task_no": (
        ERROR,
        "Số thứ tự việc phải từ 1 trở lên (đang là {value}).",
        "Đánh số thứ tự việc 1, 2, 3, ... trong từng loại việc (A, B).",
    ),
    "bad_year": (
        ERROR,
        "Năm {value} ở cột '{field}' không hợp lệ.",
        "Nhập năm đủ 4 chữ số, ví dụ 2027.",
    ),
    "task_not_in_year": (
        ERROR,
        "Việc có thời gian thực hiện {value}, không gồm năm {expected} là năm đăng ký, giao việc.",
        "Việc theo năm phải là việc của năm {expected}; việc theo giai đoạn phải có năm "
        "{expected} trong giai đoạn. Sửa năm bắt đầu hoặc năm kết thúc.",
    ),
    "end_before_start": (
        ERROR,
        "Năm kết thúc {value} sớm hơn năm bắt đầu {expected}.",
        "Sửa năm bắt đầu hoặc năm kết thúc.",
    ),
    "predecessor_not_on_roster": (
        WARNING,
        "Người tiền nhiệm '{value}' không có trong danh sách cán bộ.",
        "Kiểm tra mã người tiền nhiệm; để trống nếu không có.",
    ),
    # --- review workbooks, registrations, ratings (issue 8) ---
    "choice_unreadable": (
        ERROR,
        "Không hiểu giá trị '{value}' ở cột '{field}'.",
        "Chọn một trong: {expected}.",
    ),
    "task_incomplete": (
        ERROR,
        "{node}: đã ghi một phần nhưng còn thiếu {field}.",
        "Ghi đủ tên việc, căn cứ, chỉ tiêu và năm; hoặc xoá hết nếu không đăng ký việc này.",
    ),
    "new_task_incomplete": (
        ERROR,
        "Việc đề xuất thêm, giao thêm cho cán bộ {value} còn thiếu {field}.",
        "Ghi đủ tên việc, loại việc (năm hoặc giai đoạn), năm bắt đầu và, với việc theo giai "
        "đoạn, năm kết thúc; hoặc xoá hết dòng đó nếu không đề xuất, không giao thêm việc.",
    ),
    "registration_empty": (
        ERROR,
        "Bản đăng ký chưa có việc đột phá, đổi mới nào.",
        "Ghi ít nhất một việc theo năm (mục II.1) hoặc theo giai đoạn (mục II.2).",
    ),
    "adjustment_without_text": (
        ERROR,
        "{node}: chọn điều chỉnh nhưng chưa ghi nội dung điều chỉnh.",
        "Ghi nội dung điều chỉnh, hoặc chọn 'tiếp tục'.",
    ),
    "rating_departs_without_reason": (
        ERROR,
        "{node}: mức {field} {value} khác mức {expected} nhưng chưa ghi lý do.",
        "Ghi lý do vào cột lý do của dòng này, hoặc chọn lại mức {expected}.",
    ),
    "rating_proposal_stale": (
        WARNING,
        "{node}: mức đề xuất hiện ghi {value}, khác mức {expected} trong bảng trình Ban Thường vụ.",
        "Bảng tổng hợp trình Ban Thường vụ được lập trước khi cơ quan sửa; lập lại bảng tổng hợp.",
    ),
    # --- Art. 9.2: collectives and individuals proposed as exemplary ---
    "exemplary_incomplete": (
        ERROR,
        "Đề nghị tiêu biểu chưa đủ: thiếu {field}.",
        "Ghi đủ loại (tập thể hoặc cá nhân), tên và thành tích tiêu biểu, lý do đề nghị; hoặc "
        "xoá nội dung cả dòng.",
    ),
    "exemplary_decision_without_reason": (
        ERROR,
        "Đề nghị tiêu biểu {value}: Ban Thường vụ không đồng ý nhưng chưa ghi lý do.",
        "Ghi lý do vào cột lý do của dòng này, hoặc chọn lại Đồng ý.",
    ),
    # --- nothing a cadre writes is lost (issue 15) ---
    "internal_error": (
        ERROR,
        "Chương trình gặp lỗi khi đọc tệp này ({value}); đây là lỗi của chương trình, "
        "không phải lỗi của tệp.",
        "Báo cho bộ phận kỹ thuật, gửi kèm tệp; chạy lại với --debug để xem chi tiết.",
    ),
    "formula_in_input": (
        WARNING,
        "Ô nhập liệu chứa công thức; đã dùng giá trị tính sẵn của công thức: '{value}'.",
        "Ghi thẳng giá trị vào ô (không dùng công thức) để chắc chắn số liệu đúng.",
    ),
    "formula_without_value": (
        ERROR,
        "Ô nhập liệu chứa công thức nhưng tệp không lưu giá trị đã tính, nên không đọc được.",
        "Mở tệp bằng Excel và lưu lại (để lưu giá trị), hoặc ghi thẳng giá trị vào ô.",
    ),
    "unplanned_item": (
        WARNING,
        "Dòng chèn thêm dưới {node} không có trong kế hoạch: '{value}'; được ghi nhận nhưng "
        "không tính vào tỷ lệ hoàn thành (chưa có tỷ trọng trong kế hoạch).",
        "Nếu đây là việc mới, bổ sung vào kế hoạch năm sau hoặc đề nghị điều chỉnh kế hoạch.",
    ),
    "row_outside_table": (
        WARNING,
        "Dòng chèn thêm có nội dung '{value}' không nằm dưới một tháng của bảng nên không "
        "thuộc nội dung nào; nội dung này không được tính, chỉ được ghi nhận tại đây.",
        "Chèn dòng ngay dưới dòng tháng tương ứng, hoặc ghi vào ô Khó khăn, đề xuất.",
    ),
    "receipt_unknown_file": (
        WARNING,
        "Bảng thời điểm nhận có tệp '{value}' không có trong thư mục báo cáo.",
        "Kiểm tra lại tên tệp trong bảng thời điểm nhận.",
    ),
    "receipt_missing": (
        WARNING,
        "Không có thời điểm nhận của tệp '{value}' trong bảng thời điểm nhận; "
        "dùng thời điểm sửa tệp.",
        "Bổ sung tệp này vào bảng thời điểm nhận.",
    ),
    "registration_duplicate": (
        WARNING,
        "Cán bộ có nhiều bản đăng ký; dùng bản nhận sau cùng ('{value}').",
        "Bỏ các bản cũ khỏi thư mục nếu không cần.",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a user's data."""

    code: str
    message: str
    severity: str = ERROR
    hint: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    value: str = ""
    node: str = ""

    def at(self, **where: Any) -> Problem:
        """The same problem with its location filled in (file, sheet, cell, node)."""
        return replace(self, **{k: "" if v is None else str(v) for k, v in where.items()})

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @property
    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        if not parts and self.node:
            parts = [self.node]
        return " › ".join(parts)

    def render(self) -> str:
        """One line for a terminal: where, what, how to fix."""
        label = "LỖI" if self.severity == ERROR else "CHÚ Ý"
        where = f"{self.location}: " if self.location else ""
        hint = f" → {self.hint}" if self.hint else ""
        return f"[{label} {self.code}] {where}{self.message}{hint}"


#: Names of the fields and columns a message may name, in the words of the form (a message shown
#: to a cadre names no internal field).
FIELD_WORDS: dict[str, str] = {
    "cadre_id": "mã cán bộ",
    "full_name": "họ và tên",
    "position": "chức vụ",
    "unit": "cơ quan công tác",
    "year": "năm",
    "period": "kỳ báo cáo",
    "form": "loại biểu mẫu",
    "form_version": "phiên bản biểu mẫu",
    "generated_at": "thời điểm tạo biểu mẫu",
    "body": "cơ quan thẩm định",
    "choice": "tiếp tục / điều chỉnh",
    "proposed_rating": "mức đề xuất",
    "decided_rating": "mức quyết định",
    "start_year": "năm bắt đầu",
    "end_year": "năm kết thúc",
}


def problem(code: str, *, value: Any = "", node: str = "", **fields: Any) -> Problem:
    """Build a problem from the catalogue; extra ``fields`` fill the templates."""
    severity, message, hint = CATALOGUE[code]
    shown = _show(value)
    if "field" in fields:
        fields["field"] = FIELD_WORDS.get(str(fields["field"]), fields["field"])
    data = {"value": shown, "node": _label(node), "expected": "", "field": "", **fields}
    return Problem(
        code=code,
        message=message.format(**data),
        severity=severity,
        hint=hint.format(**data),
        value=shown,
        node=node,
    )


def refused(code: str, file: str, problems: list[Problem]) -> list[Problem]:
    """What is said of a file a step cannot use: its first error (``problems``), then ``code``
    naming the file (``plan_invalid``, ``previous_plan_invalid``, ``previous_report_invalid``)."""
    first = [p for p in problems if p.severity == ERROR][:1]
    return [*first, problem(code, value=file).at(file=file)]


def not_in_year(start_year: int, end_year: int, year: int) -> Problem:
    """``task_not_in_year`` of a task of the years given that does not run in ``year``
    (``domain.periods.runs_in``), to place at the year to correct."""
    years = str(start_year) if start_year == end_year else f"{start_year}–{end_year}"
    return problem("task_not_in_year", value=years, expected=year)


def _label(node: str) -> str:
    """A row key as words a cadre understands ("Việc A1, quý I, tháng 1"); the key itself stays
    in the problem's ``node`` for tools."""
    from dotpha_xl.kernel.keys import describe, parse_key

    try:
        return describe(parse_key(node))
    except ValueError:
        return node


def _show(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)
