import { DomainError } from '../common/domain-error';
import { demoFailureText } from './demo-failure';

describe('npm run demo: why it stopped, in Vietnamese', () => {
  it('names the commune’s own window that is in the way, says nothing changed and what to do', () => {
    const text = demoFailureText(
      new DomainError('WINDOW_OVERLAP', 'Window Trưa overlaps window Trưa (thật)', {
        window: { name: 'Trưa (thật)', startTime: '11:10', durationMinutes: 20 },
      }),
    );
    expect(text).toContain('Phường Hạc Thành đã có khung giờ phát “Trưa (thật)” (11:10, 20 phút)');
    expect(text).toContain('cơ sở dữ liệu không thay đổi');
    expect(text).toContain('xoá khung giờ đó rồi chạy lại lệnh');
    expect(text).not.toMatch(/overlaps/);
  });

  it('groups the thousands of a long window’s minutes with a dot', () => {
    const text = demoFailureText(
      new DomainError('WINDOW_OVERLAP', 'Window Cả ngày overlaps window Cả ngày (thật)', {
        window: { name: 'Cả ngày (thật)', startTime: '00:00', durationMinutes: 1440 },
      }),
    );
    expect(text).toContain('khung giờ phát “Cả ngày (thật)” (00:00, 1.440 phút)');
  });

  it('names the commune’s own window whose name the demo wants', () => {
    const text = demoFailureText(
      new DomainError('WINDOW_NAME_TAKEN', 'Another window of commune 16066 is named "sáng"', {
        name: 'sáng',
        windowId: 'x',
      }),
    );
    expect(text).toContain('Phường Hạc Thành đã có khung giờ phát “sáng” trùng tên');
    expect(text).toContain('đổi tên khung giờ đó rồi chạy lại lệnh');
  });

  it('says how to get an admin, and how to remove an earlier demo', () => {
    expect(
      demoFailureText(
        new DomainError('CONFLICT', 'No admin yet: start the service once (npm start) first'),
      ),
    ).toMatch(/^Chưa có tài khoản quản trị: hãy chạy dịch vụ một lần \(npm start\)/);
    expect(
      demoFailureText(
        new DomainError(
          'CONFLICT',
          'Demo data is already in the database; remove it first with npm run demo:remove',
        ),
      ),
    ).toBe('Đã có dữ liệu mẫu trong cơ sở dữ liệu. Xoá trước bằng lệnh: npm run demo:remove');
  });

  it('leaves errors it has no words for to the plain printout', () => {
    expect(demoFailureText(new Error('boom'))).toBeNull();
  });
});
