import { transportContract } from '@shopbus/testing';
import { rabbitMqContractDriver } from './rabbitmq-contract-driver';

transportContract(rabbitMqContractDriver('classic'));
