import { UserRole } from './entities/user.entity';

export class UserView {
  id!: string;
  username!: string;
  role!: UserRole;
  displayName!: string | null;
  communeCode!: string | null;
  provinceCode!: string | null;
  disabled!: boolean;
  createdAt!: string;
  updatedAt!: string;
}
