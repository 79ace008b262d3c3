/** Typed domain errors; the error handler maps each to a status and a Vietnamese page. */
export class AppError extends Error {
  readonly status: number = 500;
  readonly publicMessage: string = 'Đã có lỗi xảy ra.';
}

export class NotFoundError extends AppError {
  override readonly status = 404;
  constructor(public override readonly publicMessage = 'Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.') {
    super(publicMessage);
    this.name = 'NotFoundError';
  }
}

export class ForbiddenError extends AppError {
  override readonly status = 403;
  constructor(public override readonly publicMessage = 'Bạn không có quyền truy cập trang này.') {
    super(publicMessage);
    this.name = 'ForbiddenError';
  }
}

/** A request whose shape no form produces (parameter or prototype pollution): 400, never 500. */
export class BadRequestError extends AppError {
  override readonly status = 400;
  constructor(public override readonly publicMessage = 'Yêu cầu gửi lên không đúng định dạng.') {
    super(publicMessage);
    this.name = 'BadRequestError';
  }
}

export class StaleVersionError extends AppError {
  override readonly status = 409;
  constructor(
    public readonly current: unknown = null,
    public override readonly publicMessage = 'Dữ liệu đã được người khác thay đổi sau khi bạn mở trang. Thay đổi của bạn chưa được lưu.',
  ) {
    super(publicMessage);
    this.name = 'StaleVersionError';
  }
}

export class ConflictError extends AppError {
  override readonly status = 409;
  constructor(public override readonly publicMessage = 'Yêu cầu xung đột với trạng thái hiện tại của dữ liệu.') {
    super(publicMessage);
    this.name = 'ConflictError';
  }
}

export type FieldErrors = Record<string, string>;

/** Bad input: carries field-level Vietnamese messages for the form. */
export class ValidationError extends AppError {
  override readonly status = 400;
  constructor(
    public readonly fieldErrors: FieldErrors,
    public override readonly publicMessage = 'Dữ liệu nhập chưa hợp lệ.',
  ) {
    super(publicMessage);
    this.name = 'ValidationError';
  }
}

export class ServiceUnavailableError extends AppError {
  override readonly status = 503;
  constructor(public override readonly publicMessage = 'Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau ít phút.') {
    super(publicMessage);
    this.name = 'ServiceUnavailableError';
  }
}
