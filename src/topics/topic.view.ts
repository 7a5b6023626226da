export class TopicView {
  code!: string;
  name!: string;
  description!: string | null;
}
