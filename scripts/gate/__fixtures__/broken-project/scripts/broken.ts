export const planted: number = 'three';

export function loose(value: any): string {
  return String(value);
}
