import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { OperatorRoute, OperatorWriteRoute } from '@shopbus/platform';
import { IsEmail, MaxLength } from 'class-validator';
import { NotificationPrisma } from '../notification-prisma.service';
import { CustomerKeys, customerRefOf } from './customer-keys';

export class ForgetCustomerDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email!: string;
}

export class ForgottenCustomerView {
  @ApiProperty({ description: 'False when there was no key to delete (never seen, or forgotten)' })
  forgotten!: boolean;
  @ApiProperty({ description: 'Audit entries whose payload is now unreadable' })
  auditEntries!: number;
}

/**
 * Forgets a customer in the audit log by deleting their data key: every entry sealed with it
 * keeps its envelope and loses its content, in this database and in any backup or copy of it.
 * Their later events get a new key. Other services' own records are theirs to erase.
 */
@ApiTags('admin')
@OperatorRoute('read')
@Controller('admin/customers')
export class ForgetCustomerController {
  constructor(
    private readonly prisma: NotificationPrisma,
    private readonly customerKeys: CustomerKeys,
  ) {}

  @Post('forget')
  @OperatorWriteRoute()
  @HttpCode(200)
  @ApiOperation({ summary: "Delete a customer's key: their audit entries become unreadable" })
  @ApiOkResponse({ type: ForgottenCustomerView })
  async forget(@Body() { email }: ForgetCustomerDto): Promise<ForgottenCustomerView> {
    const ref = customerRefOf(email);
    const forgotten = await this.customerKeys.forget(ref);
    const auditEntries = await this.prisma.auditEntry.count({ where: { customerRef: ref } });
    return { forgotten, auditEntries };
  }
}
