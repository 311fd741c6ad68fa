import { transportContract } from '@shopbus/testing';
import { rabbitMqContractDriver } from './rabbitmq-contract-driver';

// Every behaviour again on quorum queues (the shop's default): at-least-once dead-lettering,
// reject-publish overflow and the delivery limit in their arguments.
transportContract(rabbitMqContractDriver('quorum'));
