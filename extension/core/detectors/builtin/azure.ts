// Microsoft Azure keys in Microsoft's "identifiable" formats (a base64 key carrying a fixed
// service signature such as +ASb or AzFu followed by checksum chars), shared access signatures,
// Azure OpenAI / AI services keys and Entra ID client secrets.
import type { DetectorSpec } from '../types';
import { END_B64, assignment } from './fragments';
import { named, run } from './make';

/**
 * An identifiable key: `head` base64 chars, the service signature, 5 checksum chars, and an
 * optional tail (e.g. `A==`). The signature is the keyword; the pattern is searched around it.
 */
function identifiable(id: string, description: string, head: number, signature: string, tail: string, tailSample: string, set = 'A-Za-z0-9+/'): DetectorSpec {
  const escaped = signature.replace(/\+/g, '\\+');
  const sampleSet = set === 'A-Za-z0-9+/' ? 'b64' : set === 'A-Za-z0-9_-' ? 'url' : 'alnum';
  return {
    id,
    description,
    keywords: [signature.toLowerCase()],
    anchor: 'window',
    window: { before: head, after: 5 + tail.length + 2 },
    pattern: new RegExp(`(?<![${set}])[${set}]{${head}}${escaped}[${set}]{5}${tail}(?![=${set}])`),
    shape: [run(sampleSet as 'b64', head), signature, run('alnum', 5), tailSample],
    minEntropy: 4,
    priority: 25,
  };
}

export const AZURE_DETECTORS: DetectorSpec[] = [
  identifiable('azure-storage-identifiable-key', 'Azure Storage account key, identifiable format (…+ASt…==)', 76, '+ASt', '[AQgw]==', 'A=='),
  identifiable('azure-cosmosdb-identifiable-key', 'Azure Cosmos DB account key, identifiable format (…ACDb…==)', 76, 'ACDb', '[AQgw]==', 'Q=='),
  identifiable('azure-service-bus-identifiable-key', 'Azure Service Bus shared access key, identifiable format (…+ASb…=)', 33, '+ASb', '=', '='),
  identifiable('azure-event-hubs-identifiable-key', 'Azure Event Hubs shared access key, identifiable format (…+AEh…=)', 33, '+AEh', '=', '='),
  identifiable('azure-relay-identifiable-key', 'Azure Relay shared access key, identifiable format (…+ARm…=)', 33, '+ARm', '=', '='),
  identifiable('azure-iot-identifiable-key', 'Azure IoT Hub / Device Provisioning shared access key, identifiable format (…AIoT…=)', 33, 'AIoT', '=', '='),
  identifiable('azure-batch-identifiable-key', 'Azure Batch account key, identifiable format (…+ABa…==)', 76, '+ABa', '[AQgw]==', 'w=='),
  identifiable('azure-function-identifiable-key', 'Azure Functions access key, identifiable format (…AzFu…==)', 44, 'AzFu', '[AQgw]==', 'g==', 'A-Za-z0-9_-'),
  identifiable('azure-search-identifiable-key', 'Azure AI Search admin/query key, identifiable format (…AzSe…)', 42, 'AzSe', '', '', 'A-Za-z0-9'),
  identifiable('azure-apim-identifiable-key', 'Azure API Management key, identifiable format (…APIM…==)', 76, 'APIM', '[AQgw]==', 'A==', 'A-Za-z0-9'),
  identifiable('azure-container-registry-identifiable-key', 'Azure Container Registry access key, identifiable format (…+ACR…)', 42, '+ACR', '', ''),
  {
    id: 'azure-sas-token',
    description: 'Azure shared access signature in a URL or connection string (sv=…&…sig=…)',
    keywords: ['sig='],
    anchor: 'window',
    window: { before: 300, after: 120 },
    pattern: /[?&;]sv=[0-9]{4}-[0-9]{2}-[0-9]{2}&[^\s"'<>]{0,300}?\bsig=([A-Za-z0-9%+/]{40,100}(?:%3D|=){0,2})(?![A-Za-z0-9%+/=])/i,
    secretGroup: 1,
    shape: [run('alnum', 43), '%3D'],
    sampleContext: 'BLOB_URL = "https://acmeassets.blob.core.windows.net/exports/report.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2027-01-01T00:00:00Z&st=2026-01-01T00:00:00Z&spr=https&sig=$VALUE"',
    fps: ['https://acme.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=<signature>'],
    minEntropy: 4,
    priority: 25,
  },
  {
    id: 'azure-service-bus-connection-string',
    description: 'Azure Service Bus / Event Hubs / Relay shared access key in a connection string (SharedAccessKey=…)',
    keywords: ['sharedaccesskey='],
    pattern: /SharedAccessKey=([A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])/i,
    secretGroup: 1,
    shape: [run('b64', 43), '='],
    sampleContext: 'SERVICEBUS = "Endpoint=sb://acme-orders.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=$VALUE"',
    minEntropy: 4,
    priority: 30,
  },
  named('azure-openai-api-key', 'Azure OpenAI / Azure AI services key (32 hex, or 84-char identifiable) assigned to an Azure OpenAI / cognitive services name', ['azure_openai', 'azureopenai', 'azure-openai', 'aoai', 'azure_ai', 'cognitive_services', 'cognitiveservices', 'azure_cognitive'], [run('hex', 32)], 'AZURE_OPENAI_API_KEY', {
    after: '(?![A-Za-z0-9])',
  }),
  {
    id: 'azure-ai-identifiable-key',
    description: 'Azure AI services / Azure OpenAI key, 84-char identifiable format (…JQQJ99…ACOG…)',
    keywords: ['acog'],
    anchor: 'window',
    window: { before: 80, after: 8 },
    pattern: /(?<![A-Za-z0-9])[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{18}ACOG[A-Za-z0-9]{4}(?![A-Za-z0-9])/,
    shape: [run('alnum', 52), 'JQQJ99', run('alnum', 18), 'ACOG', run('alnum', 4)],
    minEntropy: 4,
    priority: 25,
  },
  named('azure-storage-sas-assignment', 'Azure Storage SAS token (sv=… query string) assigned to a SAS name', ['sas_token', 'sastoken', 'sas-token', 'azure_sas', 'storage_sas'], ['sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2027-01-01T00:00:00Z&sig=', run('alnum', 43), '%3D'], 'AZURE_STORAGE_SAS_TOKEN', {
    pattern: assignment('(?:sas[_.-]?token|azure[_.-]sas|storage[_.-]sas)', 'sv=[0-9]{4}-[0-9]{2}-[0-9]{2}&[^\\s"\'`]{0,300}?sig=[A-Za-z0-9%+/]{40,100}(?:%3D|=){0,2}(?![A-Za-z0-9%+/=])'),
    after: END_B64,
    minEntropy: 3.5,
    priority: 26,
  }),
];
