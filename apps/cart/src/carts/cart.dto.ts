import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsInt,
  IsISO31661Alpha2,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class CreateCartDto {
  @ApiPropertyOptional({ description: 'Lets the shop remind the customer of an abandoned cart' })
  @IsOptional()
  @IsEmail()
  customerEmail?: string;
}

export class SetQuantityDto {
  @ApiProperty({ minimum: 1, maximum: 99 })
  @IsInt()
  @Min(1)
  @Max(99)
  quantity!: number;
}

export class ShippingAddressDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) street!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) city!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(20) postalCode!: string;
  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'DE' })
  @IsISO31661Alpha2()
  country!: string;
}

export class CheckoutDto {
  @ApiProperty() @IsEmail() customerEmail!: string;

  @ApiProperty({ type: ShippingAddressDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ShippingAddressDto)
  shippingAddress!: ShippingAddressDto;
}

export class CheckoutAcceptedView {
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ format: 'uuid' }) cartId!: string;
}

export class ShippingQuoteView {
  @ApiProperty() deliverable!: boolean;
  @ApiProperty() priceCents!: number;
  @ApiProperty() estimatedDays!: number;
  @ApiProperty() carrier!: string;
}
