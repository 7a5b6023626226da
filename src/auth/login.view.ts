import { UserView } from '../users/users.service';

export class LoginResult {
  accessToken!: string;
  tokenType!: 'Bearer';
  expiresAt!: string;
  user!: UserView;
}
