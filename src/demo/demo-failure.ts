import { DomainError } from '../common/domain-error';
import { viNumber } from '../common/vi-number';
import { ConfigError } from '../config/load-config';
import { DEMO_COMMUNE_NAME, DEMO_REMOVE_COMMAND } from './demo.constants';

interface WindowDetail {
  name?: string;
  startTime?: string;
  durationMinutes?: number;
}

const minutes = (value: number | undefined): string =>
  typeof value === 'number' ? viNumber(value) : '?';

/**
 * What `npm run demo` prints when it stops: Vietnamese for the person at the terminal, saying
 * what happened (nothing was changed: the seeder removes what it made) and what to do next.
 * `null` for an error it has no words for (the CLI prints it as it is).
 */
export function demoFailureText(error: unknown): string | null {
  if (error instanceof ConfigError) return `Cấu hình chưa đúng: ${error.message}`;
  if (!(error instanceof DomainError)) return null;
  const unchanged = 'Dữ liệu mẫu chưa được tạo, cơ sở dữ liệu không thay đổi.';
  switch (error.code) {
    case 'WINDOW_OVERLAP': {
      const window = (error.details?.window ?? {}) as WindowDetail;
      const which = window.name
        ? ` “${window.name}” (${window.startTime ?? '?'}, ${minutes(window.durationMinutes)} phút)`
        : '';
      return `${DEMO_COMMUNE_NAME} đã có khung giờ phát${which} trùng giờ với khung giờ của dữ liệu mẫu. ${unchanged} Dữ liệu mẫu dành cho xã chưa dùng thật: hãy thử trên một cơ sở dữ liệu khác (DATABASE_URL), hoặc xoá khung giờ đó rồi chạy lại lệnh.`;
    }
    case 'WINDOW_NAME_TAKEN': {
      const name = typeof error.details?.name === 'string' ? ` “${error.details.name}”` : '';
      return `${DEMO_COMMUNE_NAME} đã có khung giờ phát${name} trùng tên với khung giờ của dữ liệu mẫu. ${unchanged} Dữ liệu mẫu dành cho xã chưa dùng thật: hãy thử trên một cơ sở dữ liệu khác (DATABASE_URL), hoặc đổi tên khung giờ đó rồi chạy lại lệnh.`;
    }
    case 'CONFLICT':
      if (/admin/i.test(error.message)) {
        return `Chưa có tài khoản quản trị: hãy chạy dịch vụ một lần (npm start) rồi chạy lại lệnh. ${unchanged}`;
      }
      if (/already/i.test(error.message)) {
        return `Đã có dữ liệu mẫu trong cơ sở dữ liệu. Xoá trước bằng lệnh: ${DEMO_REMOVE_COMMAND}`;
      }
      break;
  }
  // The API's English detail is kept for whoever reads the logs.
  return `Không tạo được dữ liệu mẫu (${error.code}: ${error.message}). ${unchanged}`;
}
