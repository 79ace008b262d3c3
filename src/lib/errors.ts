/** Typed domain errors; the error handler maps each to a status and a Vietnamese page. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly publicMessage: string,
  ) {
    super(publicMessage);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.') {
    super(404, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Bạn không có quyền truy cập trang này.') {
    super(403, message);
  }
}

/** A request whose shape no form produces (parameter or prototype pollution): 400, never 500. */
export class BadRequestError extends AppError {
  constructor(message = 'Yêu cầu gửi lên không đúng định dạng.') {
    super(400, message);
  }
}

/** A save on a version someone else replaced first (optimistic locking): 409, nothing overwritten. */
export class StaleVersionError extends AppError {
  constructor(
    readonly current: unknown = null,
    message = 'Dữ liệu đã được người khác thay đổi sau khi bạn mở trang. Thay đổi của bạn chưa được lưu.',
  ) {
    super(409, message);
  }
}

export class ConflictError extends AppError {
  constructor(message = 'Yêu cầu xung đột với trạng thái hiện tại của dữ liệu.') {
    super(409, message);
  }
}

export type FieldErrors = Record<string, string>;

/** Bad input: carries field-level Vietnamese messages for the form. */
export class ValidationError extends AppError {
  constructor(
    readonly fieldErrors: FieldErrors,
    message = 'Dữ liệu nhập chưa hợp lệ.',
  ) {
    super(400, message);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau ít phút.') {
    super(503, message);
  }
}
