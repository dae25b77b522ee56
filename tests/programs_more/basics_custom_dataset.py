# Source: PyTorch tutorials, "Learn the Basics: Datasets & DataLoaders" (Creating a Custom Dataset),
#   https://pytorch.org/tutorials/beginner/basics/data_tutorial.html
# Changed: the images come from an in-memory tensor instead of image files and a CSV of labels; no
#   matplotlib; seeded so the shuffled batches are PyTorch's.
import torch
from torch.utils.data import DataLoader, Dataset


class CustomImageDataset(Dataset):
    def __init__(self, images, labels, transform=None, target_transform=None):
        self.img_labels = labels
        self.images = images
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.img_labels)

    def __getitem__(self, idx):
        image = self.images[idx]
        label = self.img_labels[idx]
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


torch.manual_seed(0)
images = torch.rand(10, 1, 4, 4)
labels = torch.randint(0, 3, (10,))
training_data = CustomImageDataset(images, labels, transform=lambda x: x * 2,
                                   target_transform=lambda y: torch.zeros(3, dtype=torch.float)
                                   .scatter_(0, torch.tensor(y), value=1))
print(len(training_data))
img, label = training_data[0]
print(img.shape, label)

train_dataloader = DataLoader(training_data, batch_size=4, shuffle=True)
train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
img = train_features[0].squeeze()
label = train_labels[0]
print(img.shape)
print(f"Label: {label}")
for batch, (X, y) in enumerate(DataLoader(training_data, batch_size=3, shuffle=True, drop_last=True)):
    print(batch, X.shape, y.argmax(1))
print(len(DataLoader(training_data, batch_size=3)), len(DataLoader(training_data, batch_size=3, drop_last=True)))


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i, i * i


for xb, yb in DataLoader(Squares(5), batch_size=2):
    print(xb, yb)
