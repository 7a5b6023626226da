import { ArrayMaxSize, ArrayMinSize, IsArray, Matches } from 'class-validator';
import { Omittable } from '../common/validation';

/**
 * An optional list of the province's communes that a province-wide action is limited to: one to
 * 1,000 five-digit codes (GeoService.communesIn then checks each is of the route's province).
 */
export function ProvinceCommunesProperty(): PropertyDecorator {
  return (target, key) => {
    Omittable()(target, key);
    IsArray()(target, key);
    ArrayMinSize(1)(target, key);
    ArrayMaxSize(1000)(target, key);
    Matches(/^\d{5}$/, { each: true, message: 'each commune must be a 5-digit commune code' })(
      target,
      key,
    );
  };
}
